import type { Command } from 'commander'
import type { CliIo } from '../cli-io.js'
import { addClientOptions, withClient } from '../client.js'
import type { ClientFlags } from '../config.js'
import { formatJson } from '../output/format.js'
import { examples } from './help-text.js'

const RUN_ID = '5f0c3d2e9a8b4c7d8e1f2a3b4c5d6e7f'

/** `provena models log-input <run-id> <model-ref>`: the lineage edge model_version --input--> run. */
export function registerModelInputCommand(models: Command, io: CliIo): void {
  const command = models
    .command('log-input')
    .description(
      'record that a run used a model version (fine-tuning, distillation, evaluation); an alias is resolved now',
    )
    .argument('<run-id>', 'the run (EDIT on its experiment)')
    .argument('<model>', 'models:/<name>/<version> or models:/<name>@<alias>')
    .option('--context <context>', 'what the model was to the run, e.g. fine-tuning, distillation, evaluation')
    .option('--json', 'print the recorded input as JSON')
    .addHelpText('after', examples(`provena models log-input ${RUN_ID} models:/churn@champion --context fine-tuning`))
  addClientOptions(command).action(
    async (runId: string, model: string, options: ClientFlags & { context?: string; json?: boolean }) => {
      const input = await withClient(options, io.env, (c) =>
        c.lineage.logModelInput(runId, model, { context: options.context }),
      )
      if (options.json) return void io.stdout.write(formatJson(input))
      const context = input.context === '' ? '' : ` (${input.context})`
      io.stdout.write(`Run ${runId} used ${input.name}/${input.version}${context}.\n`)
    },
  )
}
