import type { ArtifactEntry, ArtifactProblem, Provena, TransferProgress } from '@provena/sdk'
import type { Command } from 'commander'
import { CliError } from '../cli-error.js'
import type { CliIo } from '../cli-io.js'
import { addClientOptions, withClient } from '../client.js'
import type { ClientFlags } from '../config.js'
import { formatBytes, formatJson } from '../output/format.js'
import { createProgress } from '../output/progress.js'
import { formatTable } from '../output/table.js'
import { examples } from './help-text.js'
import { parsePositiveInt } from './option-parsers.js'

interface TransferFlags extends ClientFlags {
  concurrency: number
  json?: boolean
}

interface UploadFlags extends TransferFlags {
  force?: boolean
}

interface DownloadFlags extends TransferFlags {
  dest: string
}

interface ListFlags extends ClientFlags {
  recursive?: boolean
  json?: boolean
}

interface VerifyFlags extends ClientFlags {
  run?: string
  json?: boolean
}

const RUN_ID = '5f0c3d2e9a8b4c7d8e1f2a3b4c5d6e7f'

/** `provena artifacts upload|download|ls|verify`. */
export function registerArtifactsCommand(program: Command, io: CliIo): void {
  const artifacts = program
    .command('artifacts')
    .description("upload, download, list and verify runs' artifact files on a running Provena server")
  registerUpload(artifacts, io)
  registerDownload(artifacts, io)
  registerList(artifacts, io)
  registerVerify(artifacts, io)
}

function addTransferOptions(command: Command): Command {
  return command
    .option('--concurrency <n>', 'files sent or fetched at the same time', parsePositiveInt, 8)
    .option('--json', 'print the result as JSON')
}

/** Progress of a transfer as a bar on a terminal (stderr), nothing otherwise. */
function transferProgress(io: CliIo, label: string) {
  const progress = createProgress(io.stderr, label, { unit: 'bytes' })
  return {
    onProgress: (p: TransferProgress) => progress.update(p.bytesDone, p.bytesTotal),
    done: () => progress.done(),
  }
}

function registerUpload(artifacts: Command, io: CliIo): void {
  const upload = artifacts
    .command('upload')
    .description(
      "upload a local file or folder to a run: a file goes to <artifact-path>/<its name>, a folder's files below <artifact-path>",
    )
    .argument('<run-id>', 'the 32-character run id')
    .argument('<local-path>', 'a file or a folder (walked; symbolic links that lead outside it are not followed)')
    .argument('[artifact-path]', "where in the run's artifact tree (default: its root)")
    .option('--force', 'admins only: change the artifacts of a finished run (audited as an override)')
  addTransferOptions(upload).addHelpText(
    'after',
    `
Every file is sent with its sha256; the server refuses bytes that do not match and keeps nothing of them.
${examples(`provena artifacts upload ${RUN_ID} ./model model`, `provena artifacts upload ${RUN_ID} loss.png plots --json`)}`,
  )
  addClientOptions(upload).action(
    async (runId: string, localPath: string, artifactPath: string | undefined, options: UploadFlags) => {
      const progress = transferProgress(io, 'Uploading')
      const logged = await withClient(options, io.env, (client) =>
        client
          .logArtifact(runId, localPath, artifactPath, {
            concurrency: options.concurrency,
            force: options.force,
            onProgress: progress.onProgress,
          })
          .finally(progress.done),
      )
      for (const { localPath: skipped, reason } of logged.skipped) io.stderr.write(`Skipped ${skipped}: ${reason}\n`)
      if (options.json) return void io.stdout.write(formatJson(logged))
      const bytes = logged.artifacts.reduce((sum, a) => sum + a.sizeBytes, 0)
      io.stdout.write(`Uploaded ${logged.artifacts.length} files (${formatBytes(bytes)}) to run ${runId}.\n`)
    },
  )
}

function registerDownload(artifacts: Command, io: CliIo): void {
  const download = artifacts
    .command('download')
    .description(
      "download a run's file or directory (default: all its artifacts); each file is checked against its sha256",
    )
    .argument('<run-id>', 'the 32-character run id')
    .argument('[artifact-path]', 'a file or directory of the run (default: everything)', '')
    .option('--dest <dir>', 'folder to write into; files keep their artifact paths below it', '.')
  addTransferOptions(download).addHelpText(
    'after',
    examples(`provena artifacts download ${RUN_ID} model --dest ./out`, `provena artifacts download ${RUN_ID}`),
  )
  addClientOptions(download).action(async (runId: string, artifactPath: string, options: DownloadFlags) => {
    const progress = transferProgress(io, 'Downloading')
    const local = await withClient(options, io.env, (client) =>
      client
        .downloadArtifacts(runId, artifactPath, options.dest, {
          concurrency: options.concurrency,
          onProgress: progress.onProgress,
        })
        .finally(progress.done),
    )
    io.stdout.write(options.json ? formatJson({ path: local }) : `Downloaded to ${local}\n`)
  })
}

async function listEntries(client: Provena, runId: string, path: string, isRecursive: boolean) {
  if (!isRecursive) return client.listArtifacts(runId, path)
  const files: ArtifactEntry[] = []
  for await (const entry of client.artifacts.walk(runId, path)) files.push(entry)
  return files
}

function registerList(artifacts: Command, io: CliIo): void {
  const list = artifacts
    .command('ls')
    .description("list a directory of a run's artifacts (default: its root)")
    .argument('<run-id>', 'the 32-character run id')
    .argument('[path]', 'the directory to list', '')
    .option('-r, --recursive', 'list every file below the directory instead')
    .option('--json', 'print a JSON array of entries (name, path, isDir, sizeBytes, sha256)')
    .addHelpText('after', examples(`provena artifacts ls ${RUN_ID}`, `provena artifacts ls ${RUN_ID} model -r --json`))
  addClientOptions(list).action(async (runId: string, path: string, options: ListFlags) => {
    const entries = await withClient(options, io.env, (client) => listEntries(client, runId, path, !!options.recursive))
    if (options.json) return void io.stdout.write(formatJson(entries))
    if (entries.length === 0) return void io.stdout.write('No artifacts here.\n')
    const rows = entries.map((e) => [
      options.recursive ? e.path : e.isDir ? `${e.name}/` : e.name,
      e.sizeBytes === null ? '-' : formatBytes(e.sizeBytes),
      e.sha256 ?? '-',
    ])
    io.stdout.write(
      formatTable(
        [
          { header: 'PATH', maxWidth: 80 },
          { header: 'SIZE', align: 'right' },
          { header: 'SHA256', maxWidth: 64 },
        ],
        rows,
      ),
    )
  })
}

function describeProblem(line: ArtifactProblem): string {
  return line.type === 'missing'
    ? `MISSING  ${line.sha256}\n`
    : `MISMATCH ${line.sha256}: stored bytes hash to ${line.actualSha256} (${formatBytes(line.sizeBytes)})\n`
}

/** Blobs between two progress lines of `artifacts verify` on a terminal. */
const VERIFY_PROGRESS_EVERY = 10

function registerVerify(artifacts: Command, io: CliIo): void {
  const verify = artifacts
    .command('verify')
    .description('admins: re-hash stored blobs (all, or those of one run) and report every missing or altered one')
    .option('--run <run-id>', 'only the blobs of this run')
    .option('--json', 'print one JSON object per problem and a summary (JSON Lines)')
    .addHelpText(
      'after',
      `
The server reads every blob from its store (local disk or S3) and hashes it; each problem is also
recorded in the audit trail. Exits 0 when every blob is intact, else 1.
${examples('provena artifacts verify', `provena artifacts verify --run ${RUN_ID} --json`)}`,
    )
  addClientOptions(verify).action(async (options: VerifyFlags) => {
    // Progress lines are asked for only when a bar can show them (not with --json).
    const progress = options.json ? undefined : createProgress(io.stderr, 'Verified blobs')
    const progressEvery = io.stderr.isTTY && progress ? VERIFY_PROGRESS_EVERY : undefined
    const summary = await withClient(options, io.env, async (client) => {
      try {
        for await (const line of client.artifacts.verify(options.run, { progressEvery })) {
          if (line.type === 'progress') {
            progress?.update(line.checkedBlobs, line.totalBlobs)
            continue
          }
          if (options.json) io.stdout.write(`${JSON.stringify(line)}\n`)
          if (line.type === 'summary') return line
          if (!options.json) {
            progress?.done()
            io.stdout.write(describeProblem(line))
          }
        }
      } finally {
        progress?.done()
      }
      throw new CliError('the server ended the verification without a summary')
    })
    const problems = summary.missing + summary.mismatches
    if (!options.json) {
      io.stdout.write(
        `${problems === 0 ? 'OK' : 'FAILED'}: ${summary.checkedBlobs} blobs (${formatBytes(summary.checkedBytes)}) checked, ` +
          `${summary.mismatches} altered, ${summary.missing} missing\n`,
      )
    }
    if (problems > 0) throw new CliError(`artifact verification found ${problems} problem(s)`)
  })
}
