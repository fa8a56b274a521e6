import { Command, CommanderError } from 'commander'
import { ExitStatus } from './cli-error.js'
import type { CliIo } from './cli-io.js'
import { registerArtifactsCommand } from './commands/artifacts-command.js'
import { registerAuditCommand } from './commands/audit-command.js'
import { registerDataCommand } from './commands/data-command.js'
import { registerDbCommand } from './commands/db-command.js'
import { registerExperimentsCommand } from './commands/experiments-command.js'
import { registerGcCommand } from './commands/gc-command.js'
import { examples } from './commands/help-text.js'
import { registerImportCommand } from './commands/import-command.js'
import { registerLineageCommand } from './commands/lineage-command.js'
import { registerLoginCommands } from './commands/login-command.js'
import { registerModelsCommand } from './commands/models-command.js'
import { registerPermissionsCommand } from './commands/permissions-command.js'
import { registerReproduceCommand } from './commands/reproduce-command.js'
import { registerRunCommand } from './commands/run-command.js'
import { registerRunsCommand } from './commands/runs-command.js'
import { registerServerCommand } from './commands/server-command.js'
import { registerTokensCommand } from './commands/tokens-command.js'
import { registerUsersCommand } from './commands/users-command.js'

/** Exit code of a command line commander rejects, as is usual for command-line usage errors. */
const USAGE_EXIT_CODE = 2

/**
 * The `provena` program. Output, environment and signals come from `io`, so a test can drive it.
 * Commander errors are thrown (exitOverride) rather than exiting; pass them to `reportFailure`.
 */
export function createProgram(io: CliIo): Command {
  // Settings made before .command() are inherited by every subcommand.
  const program = new Command('provena')
    .description(
      'Provena: self-hosted tracking of ML experiments, runs, metrics and artifacts, with a tamper-evident audit trail',
    )
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) })
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .addHelpText(
      'after',
      examples(
        'provena server',
        'provena login --username alice',
        'provena experiments create resnet-sweep',
        'provena runs list --experiment resnet-sweep',
        'provena run --experiment resnet-sweep -- python train.py',
        'provena artifacts upload <run-id> ./model model',
        'provena data add ./train.csv --name churn-train',
        'provena audit verify --against checkpoint.txt --key "$PROVENA_AUDIT_KEY"',
      ),
    )
  registerServerCommand(program, io)
  registerDbCommand(program, io)
  registerLoginCommands(program, io)
  registerExperimentsCommand(program, io)
  registerRunsCommand(program, io)
  registerRunCommand(program, io)
  registerReproduceCommand(program, io)
  registerArtifactsCommand(program, io)
  registerDataCommand(program, io)
  registerModelsCommand(program, io)
  registerLineageCommand(program, io)
  registerGcCommand(program, io)
  registerImportCommand(program, io)
  registerUsersCommand(program, io)
  registerTokensCommand(program, io)
  registerPermissionsCommand(program, io)
  registerAuditCommand(program, io)
  return program
}

/** Prints why a command failed (commander has printed its own usage errors) and returns the exit code. */
export function reportFailure(error: unknown, io: CliIo): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : USAGE_EXIT_CODE
  if (error instanceof ExitStatus) return error.exitCode
  io.stderr.write(`provena: ${error instanceof Error ? error.message : String(error)}\n`)
  return 1
}
