import { readFileSync } from 'node:fs'
import type { Provena } from '@provena/sdk'
import type { ChainVerification, Checkpoint } from '@provena/server'
import type { Command } from 'commander'
import { CliError } from '../cli-error.js'
import type { CliIo } from '../cli-io.js'
import { addClientOptions, withClient } from '../client.js'
import type { ClientFlags } from '../config.js'
import { formatJson } from '../output/format.js'
import { createProgress } from '../output/progress.js'
import { registerAuditLogCommands } from './audit-log-commands.js'
import { examples } from './help-text.js'
import { parsePositiveInt } from './option-parsers.js'
import type { StorageFlags } from './storage-options.js'

// The verification code of the server package: the very functions that write the trail, so the
// checks here and the server's format cannot drift apart. Loaded on use, like `provena server`.
type AuditToolkit = typeof import('@provena/server')

interface CheckpointFlags {
  against?: string
  key?: string
}

type VerifyOptions = ClientFlags & StorageFlags & CheckpointFlags & { threads?: number }

interface ProveOptions extends ClientFlags, CheckpointFlags {
  treeSize?: number
  json?: boolean
}

/** A checkpoint whose signature checked out, and a description of the key that checked it. */
interface TrustedCheckpoint extends Checkpoint {
  rootHash: Buffer
  keyDescription: string
}

/** `provena audit list|export|checkpoint|verify|prove`. */
export function registerAuditCommand(program: Command, io: CliIo): void {
  const audit = program
    .command('audit')
    .description('read, export and verify the tamper-evident audit trail (admins only)')
  registerAuditLogCommands(audit, io)
  registerVerify(audit, io)
  registerProve(audit, io)
}

function addCheckpointOptions(command: Command): Command {
  return command
    .option('--against <file>', 'a signed checkpoint kept from earlier (`provena audit checkpoint`) to check against')
    .option(
      '--key <verifier-key>',
      "the verifier key of the server's audit signing key, from a copy you kept (default online: the server's own)",
    )
}

function registerVerify(audit: Command, io: CliIo): void {
  const verify = audit
    .command('verify')
    .description(
      'check the audit trail yourself: recompute every hash of the chain, and with --against, the Merkle root of a signed checkpoint',
    )
    .option('--data-dir <dir>', "verify the database in a server's data directory directly; no server needed")
    .option('--db <location>', 'verify this database directly: a SQLite file path or a postgres:// URL')
    .option(
      '--threads <n>',
      'with --db/--data-dir: verify in this many threads, each over its own connection (default: one per core for long chains)',
      parsePositiveInt,
    )
  addCheckpointOptions(verify).addHelpText(
    'after',
    `
Against a server (--url), the events are downloaded and checked here: the server's own verdict is not used.
The hash chain shows edits, insertions and reorderings. Only a checkpoint kept elsewhere (--against) also
shows events deleted at the end or a log rewritten as a whole. Exits 0 when everything checks out, else 1.
${examples(
  'provena audit verify',
  'provena audit verify --url https://provena.example.com --against checkpoint.txt --key "$PROVENA_AUDIT_KEY"',
  'provena audit verify --data-dir /var/lib/provena --against checkpoint.txt --key "$PROVENA_AUDIT_KEY"',
  'provena audit verify --db postgres://auditor@db.internal/provena',
)}`,
  )
  addClientOptions(verify).action((options: VerifyOptions) => verifyTrail(options, io))
}

function registerProve(audit: Command, io: CliIo): void {
  const prove = audit
    .command('prove')
    .description('get the Merkle proof that one event is in the log, and check it here')
    .argument('<event-seq>', 'the seq of the event', parsePositiveInt)
    .option('--tree-size <n>', 'prove it in the log as it was at this many events (default: now)', parsePositiveInt)
    .option('--json', 'print the proof as JSON')
  addCheckpointOptions(prove).addHelpText(
    'after',
    `
Without --against the root comes from the server too, so the check shows only that the proof is well formed;
with --against the proof must lead to the root of a checkpoint whose signature checks out.
${examples('provena audit prove 42', 'provena audit prove 42 --against checkpoint.txt --key "$PROVENA_AUDIT_KEY"')}`,
  )
  addClientOptions(prove).action((seq: number, options: ProveOptions) => proveInclusion(seq, options, io))
}

function verificationFailed(reason: string): never {
  throw new CliError(`audit trail verification FAILED: ${reason}`)
}

function failChain(chain: Extract<ChainVerification, { ok: false }>): never {
  verificationFailed(`first broken event is ${chain.firstBadSeq}: ${chain.reason.replace(/^event \d+: /, '')}`)
}

/** `<name>+<key id>` of a verifier key: enough to tell keys apart without printing the whole key. */
function keyName(verifierKey: string): string {
  return verifierKey.split('+', 2).join('+')
}

async function checkpointKey(
  options: CheckpointFlags,
  client: Provena | undefined,
): Promise<[key: string, source: string]> {
  if (options.key !== undefined) return [options.key, `the key given with --key (${keyName(options.key)})`]
  if (client === undefined) throw new CliError('--against needs --key when a database is verified directly')
  const key = await client.audit.publicKey()
  return [
    key,
    `the server's own public key (${keyName(key)}); pass --key with a copy kept elsewhere to rely on the server less`,
  ]
}

/** Reads the --against checkpoint and checks its signature; a checkpoint that does not check out fails verification. */
async function trustedCheckpoint(
  toolkit: AuditToolkit,
  options: CheckpointFlags,
  client: Provena | undefined,
): Promise<TrustedCheckpoint | undefined> {
  if (options.against === undefined) {
    if (options.key !== undefined) throw new CliError('--key is only used with --against')
    return undefined
  }
  const note = readFileSync(options.against, 'utf8')
  const [key, keyDescription] = await checkpointKey(options, client)
  try {
    return { ...toolkit.parseCheckpoint(toolkit.openNote(note, key).body), keyDescription }
  } catch (error) {
    if (!(error instanceof toolkit.NoteVerificationError || error instanceof TypeError)) throw error
    return verificationFailed(
      `the checkpoint in ${options.against} does not check out with ${keyDescription}: ${error.message}`,
    )
  }
}

/** The first `checkpoint.treeSize` leaves must have the checkpoint's root: the log extends the signed one. */
function checkExtends(toolkit: AuditToolkit, checkpoint: TrustedCheckpoint, leaves: Buffer[], count: number): void {
  const size = checkpoint.treeSize
  if (count < size) {
    verificationFailed(
      `the checkpoint covers ${size} events but the log has only ${count}: events at the end were deleted`,
    )
  }
  if (!toolkit.rootFromLeafHashes(leaves.slice(0, size)).equals(checkpoint.rootHash)) {
    verificationFailed(
      `the first ${size} events do not have the checkpoint's Merkle root: signed history was rewritten`,
    )
  }
}

async function verifyTrail(options: VerifyOptions, io: CliIo): Promise<void> {
  const isOffline = options.db !== undefined || options.dataDir !== undefined
  if (isOffline && (options.url !== undefined || options.token !== undefined)) {
    throw new CliError('verify either a running server (--url, --token) or a database (--db, --data-dir), not both')
  }
  if (!isOffline && options.threads !== undefined) {
    throw new CliError(
      '--threads applies to verifying a database (--db, --data-dir); a server is verified as it downloads',
    )
  }
  const toolkit = await import('@provena/server')
  const { count, checkpoint } = isOffline
    ? await verifyDatabase(toolkit, options, io)
    : await verifyServer(toolkit, options, io)
  if (checkpoint) io.stdout.write(`Checkpoint signature verified with ${checkpoint.keyDescription}.\n`)
  const extension = checkpoint ? `, extends checkpoint of size ${checkpoint.treeSize}` : ''
  io.stdout.write(`OK: ${count} events, chain intact${extension}\n`)
}

type Verified = { count: number; checkpoint: TrustedCheckpoint | undefined }

/** Downloads the export and checks it here, then asks the server to prove consistency with the checkpoint too. */
async function verifyServer(toolkit: AuditToolkit, options: VerifyOptions, io: CliIo): Promise<Verified> {
  return withClient(options, io.env, async (client) => {
    const checkpoint = await trustedCheckpoint(toolkit, options, client)
    const verifier = toolkit.createChainVerifier()
    // Leaves are kept only to check a checkpoint: 32 bytes (plus a Buffer) per event.
    const leaves: Buffer[] = []
    const progress = createProgress(io.stderr, 'Verified events')
    try {
      for await (const event of client.audit.exportEvents()) {
        if (!verifier.push(event)) break
        if (checkpoint) leaves.push(toolkit.eventLeafHash(event.hash))
        progress.update(verifier.result().count)
      }
    } finally {
      progress.done()
    }
    const chain = verifier.result()
    if (!chain.ok) failChain(chain)
    if (checkpoint) {
      checkExtends(toolkit, checkpoint, leaves, chain.count)
      await checkConsistencyProof(toolkit, client, checkpoint, leaves)
    }
    return { count: chain.count, checkpoint }
  })
}

/** The server's own consistency proof must agree with what was recomputed here from its export. */
async function checkConsistencyProof(
  toolkit: AuditToolkit,
  client: Provena,
  checkpoint: Checkpoint,
  leaves: Buffer[],
): Promise<void> {
  if (checkpoint.treeSize === 0) return
  const { proof } = await client.audit.consistencyProof(checkpoint.treeSize, leaves.length)
  const root = toolkit.rootFromLeafHashes(leaves)
  const isConsistent = toolkit.verifyConsistency(
    checkpoint.treeSize,
    leaves.length,
    checkpoint.rootHash,
    root,
    proof.map(toolkit.hashFromHex),
  )
  if (!isConsistent) {
    verificationFailed(
      `the server's consistency proof from ${checkpoint.treeSize} to ${leaves.length} events does not verify`,
    )
  }
}

/** Opens the database itself: the server may be stopped, and is not trusted if running. */
async function verifyDatabase(toolkit: AuditToolkit, options: VerifyOptions, io: CliIo): Promise<Verified> {
  const checkpoint = await trustedCheckpoint(toolkit, options, undefined)
  // An empty environment: the location comes from the flags alone, never from a PROVENA_DB left set.
  const { db } = toolkit.loadServerConfig({ dataDir: options.dataDir, db: options.db }, {})
  const { store, verifyChain, close } = await toolkit.openStoreForVerification({ db })
  const progress = createProgress(io.stderr, 'Verified events')
  try {
    const chain = await verifyChain((checked, total) => progress.update(checked, total), { threads: options.threads })
    if (!chain.ok) failChain(chain)
    if (checkpoint) {
      const hashes = chain.count < checkpoint.treeSize ? [] : await store.audit.hashesUpTo(checkpoint.treeSize)
      checkExtends(toolkit, checkpoint, hashes.map(toolkit.eventLeafHash), chain.count)
    }
    return { count: chain.count, checkpoint }
  } finally {
    progress.done()
    await close()
  }
}

async function proveInclusion(seq: number, options: ProveOptions, io: CliIo): Promise<void> {
  const toolkit = await import('@provena/server')
  await withClient(options, io.env, async (client) => {
    const checkpoint = await trustedCheckpoint(toolkit, options, client)
    if (checkpoint && options.treeSize !== undefined && options.treeSize !== checkpoint.treeSize) {
      throw new CliError(`--tree-size ${options.treeSize} differs from the checkpoint's size ${checkpoint.treeSize}`)
    }
    const answer = await client.audit.inclusionProof(seq, checkpoint?.treeSize ?? options.treeSize)
    const root = checkpoint?.rootHash ?? toolkit.hashFromHex(answer.rootHash)
    const isIncluded = toolkit.verifyInclusion(
      toolkit.hashFromHex(answer.leafHash),
      seq - 1,
      answer.treeSize,
      answer.proof.map(toolkit.hashFromHex),
      root,
    )
    io.stdout.write(options.json ? formatJson({ ...answer, isVerified: isIncluded }) : formatProof(answer))
    const against = checkpoint
      ? `the root of the checkpoint signed by ${checkpoint.keyDescription}`
      : "the server's root"
    if (!isIncluded) verificationFailed(`the proof does not lead from event ${seq} to ${against}`)
    if (!options.json)
      io.stdout.write(`OK: event ${seq} is in the log of ${answer.treeSize} events (checked against ${against})\n`)
  })
}

function formatProof(answer: {
  seq: number
  treeSize: number
  leafHash: string
  rootHash: string
  proof: string[]
}): string {
  const path = answer.proof.map((hash, i) => `    ${i + 1}. ${hash}\n`).join('')
  return (
    `Inclusion proof of event ${answer.seq} in the log of ${answer.treeSize} events\n` +
    `  leaf hash: ${answer.leafHash}\n` +
    `  root hash: ${answer.rootHash}\n` +
    `  path (bottom-up):${answer.proof.length === 0 ? ' empty (the event is the whole tree)' : ''}\n${path}`
  )
}
