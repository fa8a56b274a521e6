import type { SendWebhook } from '../domain/registry/webhook-dispatcher.js'

const TIMEOUT_MS = 10_000

/**
 * Posts a delivery with fetch. Redirects are not followed: a redirect could lead to an address the
 * target check refused (SSRF), so a 3xx counts as a failed attempt like any other non-2xx answer.
 */
export const sendWebhook: SendWebhook = async ({ url, body, headers }) => {
  const response = await fetch(url, {
    method: 'POST',
    body,
    headers,
    redirect: 'manual',
    signal: AbortSignal.timeout(TIMEOUT_MS),
  })
  await response.body?.cancel()
  return response.status
}
