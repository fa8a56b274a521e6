import { BlockList, isIP } from 'node:net'
import { InvalidInputError } from '@provena/contract'

/** Finds the addresses a host name stands for (DNS); injected so tests and the server choose. */
export type ResolveHost = (host: string) => Promise<string[]>

// Where a webhook must not reach unless an operator says so: the server's own machine, private
// networks (other services, cloud metadata at 169.254.169.254), and addresses that are not unicast.
const PRIVATE = new BlockList()
for (const [prefix, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const) {
  PRIVATE.addSubnet(prefix, bits, 'ipv4')
}
for (const [prefix, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  PRIVATE.addSubnet(prefix, bits, 'ipv6')
}

/** Whether an address is loopback, private, link-local, unspecified or multicast. */
function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1]
  if (mapped) return PRIVATE.check(mapped, 'ipv4')
  const family = isIP(address)
  if (family === 0) return true
  return PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6')
}

/**
 * Refuses a webhook target that resolves to a private, loopback or link-local address (SSRF),
 * unless its host is on the operator's allow-list. Checked when the webhook is created and again
 * before every delivery, since a name can be pointed elsewhere later (DNS rebinding).
 */
export async function checkWebhookTarget(
  url: string,
  { allowedHosts, resolveHost }: { allowedHosts: readonly string[]; resolveHost: ResolveHost },
): Promise<void> {
  const { hostname, protocol } = new URL(url)
  if (protocol !== 'https:' && protocol !== 'http:') throw new InvalidInputError('a webhook URL must be http or https')
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  if (allowedHosts.includes(host)) return
  let addresses: string[]
  try {
    addresses = isIP(host) ? [host] : await resolveHost(host)
  } catch (cause) {
    throw new InvalidInputError(`the webhook host ${host} cannot be resolved`, { cause })
  }
  const blocked = addresses.find(isPrivateAddress)
  if (addresses.length === 0 || blocked !== undefined) {
    throw new InvalidInputError(
      `the webhook host ${host} resolves to ${blocked ?? 'no address'}, a private, loopback or link-local address; ` +
        'an operator may allow it with --webhook-allowed-hosts',
    )
  }
}
