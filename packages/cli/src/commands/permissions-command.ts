import { type Permission, PermissionLevel } from '@provena/contract'
import type { Provena } from '@provena/sdk'
import { Argument, type Command } from 'commander'
import type { CliIo } from '../cli-io.js'
import { addClientOptions, withClient } from '../client.js'
import type { ClientFlags } from '../config.js'
import { formatJson } from '../output/format.js'
import { formatTable } from '../output/table.js'
import { resolveExperimentId } from './experiment-ref.js'
import { examples } from './help-text.js'

// The server keeps permissions on registered models too, but has no registered models yet.
const OBJECT_TYPES = ['experiment', 'dataset']
type ObjectType = 'experiment' | 'dataset'

function objectTypeArgument(): Argument {
  return new Argument('<object-type>', 'the kind of object').choices(OBJECT_TYPES)
}

const OBJECT_ARGUMENT = ['<id-or-name>', 'experiment id (all digits) or name; dataset name'] as const

/** The id permissions use: an experiment's id (looked up by name if need be), a dataset's name. */
async function objectIdOf(client: Provena, objectType: ObjectType, idOrName: string): Promise<string> {
  return objectType === 'dataset' ? idOrName : resolveExperimentId(client, idOrName)
}

/** `provena permissions list|grant|revoke`. */
export function registerPermissionsCommand(program: Command, io: CliIo): void {
  const permissions = program
    .command('permissions')
    .description(
      'show and change who may READ, EDIT or MANAGE an experiment or a dataset (each level includes the ones before); ' +
        "users without a grant get the server's --default-permission",
    )
  registerList(permissions, io)
  registerGrant(permissions, io)
  registerRevoke(permissions, io)
}

function registerList(permissions: Command, io: CliIo): void {
  const list = permissions
    .command('list')
    .description('list the explicit grants on an object')
    .addArgument(objectTypeArgument())
    .argument(...OBJECT_ARGUMENT)
    .option('--json', 'print a JSON array of grants instead of a table')
    .addHelpText('after', examples('provena permissions list experiment resnet-sweep'))
  addClientOptions(list).action(
    async (objectType: ObjectType, idOrName: string, options: ClientFlags & { json?: boolean }) => {
      const grants = await withClient(options, io.env, async (client) =>
        client.permissions.list(objectType, await objectIdOf(client, objectType, idOrName)),
      )
      io.stdout.write(options.json ? formatJson(grants) : formatGrants(grants))
    },
  )
}

function formatGrants(grants: Permission[]): string {
  if (grants.length === 0) return 'No explicit grants.\n'
  return formatTable(
    [{ header: 'USER' }, { header: 'LEVEL' }],
    grants.map((g) => [g.username, g.level]),
  )
}

function registerGrant(permissions: Command, io: CliIo): void {
  const grant = permissions
    .command('grant')
    .description('give a user a level on an object, replacing their previous one (needs MANAGE on it)')
    .addArgument(objectTypeArgument())
    .argument(...OBJECT_ARGUMENT)
    .argument('<user>', 'user name')
    .addArgument(new Argument('<level>', 'permission level').choices(PermissionLevel.options))
    .addHelpText(
      'after',
      examples(
        'provena permissions grant experiment resnet-sweep alice EDIT',
        'provena permissions grant experiment 12 bob READ',
        'provena permissions grant dataset churn-train carol EDIT',
      ),
    )
  addClientOptions(grant).action(
    async (
      objectType: ObjectType,
      idOrName: string,
      username: string,
      level: PermissionLevel,
      options: ClientFlags,
    ) => {
      const granted = await withClient(options, io.env, async (client) =>
        client.permissions.grant(objectType, await objectIdOf(client, objectType, idOrName), username, level),
      )
      io.stdout.write(`Granted ${granted.level} on ${objectType} ${granted.objectId} to ${granted.username}.\n`)
    },
  )
}

function registerRevoke(permissions: Command, io: CliIo): void {
  const revoke = permissions
    .command('revoke')
    .description("remove a user's grant on an object; the default permission applies to them again (needs MANAGE)")
    .addArgument(objectTypeArgument())
    .argument(...OBJECT_ARGUMENT)
    .argument('<user>', 'user name')
    .addHelpText('after', examples('provena permissions revoke experiment resnet-sweep alice'))
  addClientOptions(revoke).action(
    async (objectType: ObjectType, idOrName: string, username: string, options: ClientFlags) => {
      const objectId = await withClient(options, io.env, async (client) => {
        const id = await objectIdOf(client, objectType, idOrName)
        await client.permissions.revoke(objectType, id, username)
        return id
      })
      io.stdout.write(`Revoked the grant of ${username} on ${objectType} ${objectId}.\n`)
    },
  )
}
