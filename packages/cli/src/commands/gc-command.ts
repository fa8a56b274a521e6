import type { Command } from 'commander'
import type { CliIo } from '../cli-io.js'
import { addClientOptions, withClient } from '../client.js'
import type { ClientFlags } from '../config.js'
import { formatBytes, formatJson } from '../output/format.js'
import { examples } from './help-text.js'
import { parseNonNegativeNumber } from './option-parsers.js'

interface GcFlags extends ClientFlags {
  dryRun?: boolean
  graceMinutes: number
  json?: boolean
}

/** `provena gc`. */
export function registerGcCommand(program: Command, io: CliIo): void {
  const gc = program
    .command('gc')
    .description(
      'admins: remove artifact blobs that no run and no registered model refers to any more, and report the space freed',
    )
    .option('--dry-run', 'only report what would be removed')
    .option(
      '--grace-minutes <m>',
      'keep blobs written less than this long ago (uploads in flight)',
      parseNonNegativeNumber,
      60,
    )
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      `
Runs on the server, against its artifact store (local disk or S3), and is audited. Blobs pinned by
model versions or datasets are never removed.
${examples('provena gc --dry-run', 'provena gc --json')}`,
    )
  addClientOptions(gc).action(async (options: GcFlags) => {
    const report = await withClient(options, io.env, (client) =>
      client.artifacts.gc({ dryRun: !!options.dryRun, graceMinutes: options.graceMinutes }),
    )
    if (options.json) return void io.stdout.write(formatJson(report))
    const verb = report.dryRun ? 'Would remove' : 'Removed'
    io.stdout.write(
      `${verb} ${report.removedBlobs} blobs, freeing ${formatBytes(report.freedBytes)}; ` +
        `${report.keptBlobs} blobs (${formatBytes(report.keptBytes)}) kept.\n`,
    )
  })
}
