import { Command, CommanderError } from 'commander'
import type { CliIo } from './cli-io.js'
import { registerDbCommand } from './commands/db-command.js'
import { registerExperimentsCommand } from './commands/experiments-command.js'
import { examples } from './commands/help-text.js'
import { registerRunsCommand } from './commands/runs-command.js'
import { registerServerCommand } from './commands/server-command.js'

/** Exit code of a command line commander rejects, as is usual for command-line usage errors. */
const USAGE_EXIT_CODE = 2

/**
 * The `provena` program. Output, environment and signals come from `io`, so a test can drive it.
 * Commander errors are thrown (exitOverride) rather than exiting; pass them to `reportFailure`.
 */
export function createProgram(io: CliIo): Command {
  // Settings made before .command() are inherited by every subcommand.
  const program = new Command('provena')
    .description('Provena: self-hosted tracking of ML experiments, runs and metrics')
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) })
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .addHelpText(
      'after',
      examples(
        'provena server',
        'provena experiments create resnet-sweep',
        'provena runs list --experiment resnet-sweep',
      ),
    )
  registerServerCommand(program, io)
  registerDbCommand(program, io)
  registerExperimentsCommand(program, io)
  registerRunsCommand(program, io)
  return program
}

/** Prints why a command failed (commander has printed its own usage errors) and returns the exit code. */
export function reportFailure(error: unknown, io: CliIo): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : USAGE_EXIT_CODE
  io.stderr.write(`provena: ${error instanceof Error ? error.message : String(error)}\n`)
  return 1
}
