import { type DriftSide, type DriftThresholds, DriftVerdict, parseDatasetVersionRef, RunId } from '@provena/contract'
import { diffManifests } from '@provena/data'
import type { Provena } from '@provena/sdk'
import { type Command, InvalidArgumentError } from 'commander'
import { CliError } from '../cli-error.js'
import type { CliIo } from '../cli-io.js'
import { addClientOptions, withClient } from '../client.js'
import type { ClientFlags } from '../config.js'
import { formatBytes, formatJson } from '../output/format.js'
import { createProgress } from '../output/progress.js'
import { formatTable } from '../output/table.js'
import { describeVersion, formatDriftReport, formatVersion, formatVersionList } from './data-output.js'
import { examples } from './help-text.js'
import { fileBody, localFileOf, type ScannedDataset, withScannedDataset } from './local-dataset.js'

interface AddFlags extends ClientFlags {
  name: string
  store?: boolean
  description?: string
  json?: boolean
}

interface JsonFlags extends ClientFlags {
  json?: boolean
}

interface CompareFlags extends JsonFlags {
  psi?: Levels
  ks?: Levels
  js?: Levels
  failOn?: 'warn' | 'drift'
}

type Levels = { warn: number; drift: number }

const RUN_ID = '5f0c3d2e9a8b4c7d8e1f2a3b4c5d6e7f'

/** `provena data add|ls|show|verify|diff|drift|log-input|log-output|runs`. */
export function registerDataCommand(program: Command, io: CliIo): void {
  const data = program
    .command('data')
    .description('register datasets (digests, schema, profile), verify them, and detect drift between versions')
  registerAdd(data, io)
  registerList(data, io)
  registerShow(data, io)
  registerVerify(data, io)
  registerDiff(data, io)
  registerDrift(data, io)
  registerRunLinks(data, io)
}

/** `name@3` or `name@latest`, checked before anything is sent. */
function parseVersionArg(value: string): { name: string; version: number | undefined } {
  const ref = parseDatasetVersionRef(value)
  if (!ref) throw new InvalidArgumentError(`expected <name>@<version> or <name>@latest, got '${value}'`)
  return ref
}

/** `0.1,0.25`: the warn and drift levels of one measure. */
function parseLevels(value: string): Levels {
  const [warn, drift, ...rest] = value.split(',').map((part) => Number(part.trim()))
  if (warn === undefined || drift === undefined || rest.length > 0 || !(warn >= 0) || !(drift >= warn)) {
    throw new InvalidArgumentError('expected <warn>,<drift>: two numbers, warn not above drift (e.g. 0.1,0.25)')
  }
  return { warn, drift }
}

function parseFailOn(value: string): 'warn' | 'drift' {
  if (value !== 'warn' && value !== 'drift') throw new InvalidArgumentError("expected 'warn' or 'drift'")
  return value
}

function addCompareOptions(command: Command): Command {
  return command
    .option('--psi <warn,drift>', 'population stability index levels (default 0.1,0.25)', parseLevels)
    .option('--ks <warn,drift>', 'Kolmogorov-Smirnov statistic levels (default 0.1,0.2)', parseLevels)
    .option('--js <warn,drift>', 'Jensen-Shannon distance levels (default 0.1,0.2)', parseLevels)
    .option('--fail-on <verdict>', "exit 1 when the overall verdict is at least 'warn' or 'drift'", parseFailOn)
    .option('--json', 'print the report as JSON')
}

function thresholdsOf(flags: CompareFlags): DriftThresholds | undefined {
  if (!flags.psi && !flags.ks && !flags.js) return undefined
  return {
    psi: flags.psi ?? { warn: 0.1, drift: 0.25 },
    ks: flags.ks ?? { warn: 0.1, drift: 0.2 },
    jsDistance: flags.js ?? { warn: 0.1, drift: 0.2 },
  }
}

function registerAdd(data: Command, io: CliIo): void {
  const add = data
    .command('add')
    .description(
      'register a file or folder as the next version of a dataset (content already registered resolves to its version)',
    )
    .argument(
      '<path>',
      'a local file or folder; CSV, TSV, JSON Lines and Parquet files are profiled, others hashed only',
    )
    .requiredOption('--name <name>', 'the dataset (created on first use)')
    .option('--store', 'also copy the files into the artifact store (default: keep only the location and digests)')
    .option('--description <text>', "what this version is, e.g. 'March export, deduplicated'")
    .option('--json', 'print the registered version as JSON')
    .addHelpText(
      'after',
      `
Every file is hashed (sha256) and the manifest gets one digest, a Merkle root (provena-dataset-v1,
see docs/datasets.md). Tabular files are read once to record the schema and a profile (row count,
per-column statistics, quantiles, histograms, frequent values) from which drift is computed later.
Nothing is registered when a file cannot be read.
${examples('provena data add ./data/train.csv --name churn-train', 'provena data add ./images --name faces --store')}`,
    )
  addClientOptions(add).action(async (location: string, options: AddFlags) => {
    const result = await withScannedDataset(location, io, { shouldProfile: true }, (scanned) =>
      withClient(options, io.env, async (client) => {
        if (options.store) await uploadFiles(client, options.name, scanned, io)
        return client.datasets.register(options.name, {
          source: scanned.source,
          format: scanned.format,
          files: scanned.files,
          digest: scanned.digest,
          schema: scanned.schema,
          profile: scanned.profile,
          isStored: !!options.store,
          description: options.description,
        })
      }),
    )
    if (options.json) return void io.stdout.write(formatJson(result))
    const verb = result.isNew ? 'Registered' : 'Already registered as'
    io.stdout.write(`${verb} ${describeVersion(result.datasetVersion)}\n`)
    for (const warning of result.datasetVersion.profile?.warnings ?? []) io.stderr.write(`warning: ${warning}\n`)
  })
}

async function uploadFiles(client: Provena, name: string, scanned: ScannedDataset, io: CliIo) {
  const progress = createProgress(io.stderr, 'Storing', { unit: 'bytes' })
  const seen = new Set<string>()
  let doneBytes = 0
  try {
    for (const file of scanned.files) {
      if (seen.has(file.sha256)) continue
      seen.add(file.sha256)
      await client.datasets.uploadBlob(name, file.sha256, fileBody(localFileOf(scanned, file)))
      doneBytes += file.sizeBytes
      progress.update(doneBytes, scanned.totalBytes)
    }
  } finally {
    progress.done()
  }
}

function registerList(data: Command, io: CliIo): void {
  const list = data
    .command('ls')
    .description('list datasets, or the versions of one dataset')
    .argument('[name]', 'a dataset: list its versions, newest first')
    .option('--json', 'print JSON')
    .addHelpText('after', examples('provena data ls', 'provena data ls churn-train'))
  addClientOptions(list).action(async (name: string | undefined, options: JsonFlags) => {
    await withClient(options, io.env, async (client) => {
      if (name !== undefined) {
        const { versions } = await client.datasets.listVersions(name, { maxResults: 1000 })
        if (options.json) return void io.stdout.write(formatJson(versions))
        io.stdout.write(versions.length === 0 ? `Dataset ${name} has no versions.\n` : formatVersionList(versions))
        return
      }
      const { datasets } = await client.datasets.list({ maxResults: 1000 })
      if (options.json) return void io.stdout.write(formatJson(datasets))
      if (datasets.length === 0) return void io.stdout.write('No datasets yet: register one with `provena data add`.\n')
      io.stdout.write(
        formatTable(
          [
            { header: 'NAME', maxWidth: 60 },
            { header: 'LATEST', align: 'right' },
            { header: 'VERSIONS', align: 'right' },
          ],
          datasets.map((d) => [
            d.name,
            d.latestVersion === null ? '-' : String(d.latestVersion),
            String(d.versionCount),
          ]),
        ),
      )
    })
  })
}

function registerShow(data: Command, io: CliIo): void {
  const show = data
    .command('show')
    .description("show a dataset version: its digest, source, schema and each column's profile")
    .argument('<name@version>', 'e.g. churn-train@3 or churn-train@latest', parseVersionArg)
    .option('--files', 'list the files of the manifest instead')
    .option('--json', 'print JSON (the whole profile, or the files)')
    .addHelpText('after', examples('provena data show churn-train@latest', 'provena data show churn-train@2 --files'))
  addClientOptions(show).action(
    async (ref: { name: string; version: number | undefined }, options: JsonFlags & { files?: boolean }) => {
      await withClient(options, io.env, async (client) => {
        if (options.files) {
          const files = await client.datasets.listFiles(ref)
          if (options.json) return void io.stdout.write(formatJson(files))
          io.stdout.write(
            formatTable(
              [
                { header: 'PATH', maxWidth: 80 },
                { header: 'SIZE', align: 'right' },
                { header: 'SHA256', maxWidth: 64 },
              ],
              files.map((f) => [f.path, formatBytes(f.sizeBytes), f.sha256]),
            ),
          )
          return
        }
        const version = await client.datasets.getVersion(ref)
        io.stdout.write(options.json ? formatJson(version) : formatVersion(version))
      })
    },
  )
}

function registerVerify(data: Command, io: CliIo): void {
  const verify = data
    .command('verify')
    .description('re-hash the data where it is now and report every file added, removed or changed since registration')
    .argument('<name@version>', 'the registered version to check against', parseVersionArg)
    .argument('[path]', 'where the data is now (default: where it was registered from)')
    .option('--json', 'print {matches, added, removed, changed} as JSON')
    .addHelpText(
      'after',
      `
Exits 0 only when every file matches: same paths, same sizes, same sha256.
${examples('provena data verify churn-train@3', 'provena data verify faces@1 /mnt/copy/images --json')}`,
    )
  addClientOptions(verify).action(
    async (ref: { name: string; version: number | undefined }, location: string | undefined, options: JsonFlags) => {
      const { version, expected } = await withClient(options, io.env, async (client) => {
        const version = await client.datasets.getVersion(ref)
        return {
          version,
          expected: await client.datasets.listFiles({ name: version.datasetName, version: version.version }),
        }
      })
      const { diff, scanned } = await withScannedDataset(
        location ?? version.source,
        io,
        { shouldProfile: false },
        async (scanned) => {
          // A single registered file may be checked under another name (a copy somewhere else).
          const [only] = expected
          const actual =
            expected.length === 1 && only && !scanned.isDirectory && scanned.files.length === 1
              ? scanned.files.map((f) => ({ ...f, path: only.path }))
              : scanned.files
          return { diff: diffManifests(expected, actual), scanned }
        },
      )
      const matches = diff.added.length + diff.removed.length + diff.changed.length === 0
      if (options.json) io.stdout.write(formatJson({ matches, ...diff }))
      else {
        for (const p of diff.added) io.stdout.write(`ADDED    ${p}\n`)
        for (const p of diff.removed) io.stdout.write(`REMOVED  ${p}\n`)
        for (const p of diff.changed) io.stdout.write(`CHANGED  ${p}\n`)
        const label = `${version.datasetName}@${version.version}`
        io.stdout.write(
          matches
            ? `OK: ${scanned.files.length} files at ${scanned.source} match ${label}\n`
            : `FAILED: ${scanned.source} differs from ${label}: ${diff.added.length} added, ${diff.removed.length} removed, ${diff.changed.length} changed\n`,
        )
      }
      if (!matches) throw new CliError(`the data does not match ${version.datasetName}@${version.version}`)
    },
  )
}

/** A side of a comparison: `name@v`, `runs:/<id>[/<context>]`, or data that is not registered (a path, s3://, https://). */
async function sideOf(client: Provena, text: string, io: CliIo): Promise<DriftSide> {
  if (text.startsWith('models:/')) {
    throw new CliError('models:/ references need the model registry, which is not part of this Provena version yet')
  }
  const run = /^runs:\/([^/]+)(?:\/(.+))?$/.exec(text)
  if (run) {
    const runId = RunId.safeParse(run[1])
    if (!runId.success) throw new CliError(`'${text}': a run id is 32 lowercase hex characters`)
    return { run: { runId: runId.data, context: run[2] ?? 'training' } }
  }
  const ref = parseDatasetVersionRef(text)
  if (ref) {
    const version = ref.version ?? (await client.datasets.getVersion(ref)).version
    return { dataset: { name: ref.name, version } }
  }
  return withScannedDataset(text, io, { shouldProfile: true }, async (scanned) => {
    if (!scanned.profile) throw new CliError(`${text}: no CSV, TSV, JSON Lines or Parquet file to profile`)
    return { profile: scanned.profile, label: scanned.source }
  })
}

async function compareAndReport(
  io: CliIo,
  flags: CompareFlags,
  sides: (client: Provena) => Promise<{ reference: DriftSide; current: DriftSide }>,
) {
  const report = await withClient(flags, io.env, async (client) =>
    client.datasets.drift({ ...(await sides(client)), thresholds: thresholdsOf(flags) }),
  )
  io.stdout.write(flags.json ? formatJson(report) : formatDriftReport(report))
  const rank = DriftVerdict.options
  if (flags.failOn && rank.indexOf(report.verdict) >= rank.indexOf(flags.failOn)) {
    throw new CliError(`drift verdict ${report.verdict}`)
  }
}

function registerDiff(data: Command, io: CliIo): void {
  const diff = data
    .command('diff')
    .description('compare two versions: schema changes, row count, files, and per-column drift with verdicts')
    .argument('<reference>', 'the older version, e.g. churn-train@1', parseVersionArg)
    .argument('<current>', 'the newer version, e.g. churn-train@2', parseVersionArg)
  addCompareOptions(diff).addHelpText(
    'after',
    `
Numeric columns: PSI on the reference's decile bins and the Kolmogorov-Smirnov statistic;
categorical columns: PSI and Jensen-Shannon distance, new and vanished categories. Computed from
the stored profiles; the data is not read again. See docs/datasets.md for the definitions.
${examples('provena data diff churn-train@1 churn-train@2', 'provena data diff churn-train@1 churn-train@latest --fail-on drift --json')}`,
  )
  addClientOptions(diff).action(
    async (
      reference: { name: string; version: number | undefined },
      current: { name: string; version: number | undefined },
      options: CompareFlags,
    ) => {
      await compareAndReport(io, options, async (client) => {
        const number = async (ref: { name: string; version: number | undefined }) =>
          ref.version ?? (await client.datasets.getVersion(ref)).version
        return {
          reference: { dataset: { name: reference.name, version: await number(reference) } },
          current: { dataset: { name: current.name, version: await number(current) } },
        }
      })
    },
  )
}

function registerDrift(data: Command, io: CliIo): void {
  const drift = data
    .command('drift')
    .description('compare data (registered or not) against a reference: a version or the training data of a run')
    .requiredOption(
      '--reference <ref>',
      'name@version, runs:/<run-id>[/<context>] (default context: training), or a path',
    )
    .requiredOption('--current <ref>', 'name@version, runs:/<run-id>[/<context>], or a local file or folder to profile')
  addCompareOptions(drift).addHelpText(
    'after',
    `
A local path is profiled here and only its profile is sent; nothing is registered.
${examples(
  'provena data drift --reference churn-train@3 --current ./new.csv',
  `provena data drift --reference runs:/${RUN_ID} --current ./new.csv --fail-on drift`,
)}`,
  )
  addClientOptions(drift).action(async (options: CompareFlags & { reference: string; current: string }) => {
    await compareAndReport(io, options, async (client) => ({
      reference: await sideOf(client, options.reference, io),
      current: await sideOf(client, options.current, io),
    }))
  })
}

function registerRunLinks(data: Command, io: CliIo): void {
  const input = data
    .command('log-input')
    .description('record that a run read a dataset version (training, validation, test, ...)')
    .argument('<run-id>', 'the 32-character run id')
    .argument('<name@version>', 'the dataset version', parseVersionArg)
    .option('--context <context>', 'what the data was to the run', 'training')
    .addHelpText('after', examples(`provena data log-input ${RUN_ID} churn-train@3 --context training`))
  addClientOptions(input).action(
    async (
      runId: string,
      ref: { name: string; version: number | undefined },
      options: ClientFlags & { context: string },
    ) => {
      const link = await withClient(options, io.env, (client) =>
        client.datasets.logInput(runId, ref, { context: options.context }),
      )
      const v = link.datasetVersion
      io.stdout.write(`Run ${runId} reads ${v.datasetName}@${v.version} (${options.context}).\n`)
    },
  )
  const output = data
    .command('log-output')
    .description('record that a run produced a dataset version')
    .argument('<run-id>', 'the 32-character run id')
    .argument('<name@version>', 'the dataset version', parseVersionArg)
    .addHelpText('after', examples(`provena data log-output ${RUN_ID} features@7`))
  addClientOptions(output).action(
    async (runId: string, ref: { name: string; version: number | undefined }, options: ClientFlags) => {
      const link = await withClient(options, io.env, (client) => client.datasets.logOutput(runId, ref))
      const v = link.datasetVersion
      io.stdout.write(`Run ${runId} produced ${v.datasetName}@${v.version}.\n`)
    },
  )
  const runs = data
    .command('runs')
    .description('list the runs that read or produced a dataset version')
    .argument('<name@version>', 'the dataset version', parseVersionArg)
    .option('--json', 'print JSON')
    .addHelpText('after', examples('provena data runs churn-train@3'))
  addClientOptions(runs).action(async (ref: { name: string; version: number | undefined }, options: JsonFlags) => {
    const list = await withClient(options, io.env, (client) => client.datasets.runsOf(ref))
    if (options.json) return void io.stdout.write(formatJson(list))
    if (list.length === 0) return void io.stdout.write('No run has read or produced this version.\n')
    io.stdout.write(
      formatTable(
        [{ header: 'RUN ID', maxWidth: 32 }, { header: 'NAME' }, { header: 'EXPERIMENT' }, { header: 'AS' }],
        list.map((r) => [
          r.runId,
          r.runName,
          r.experimentId,
          r.direction === 'input' ? `input (${r.context})` : 'output',
        ]),
      ),
    )
  })
}
