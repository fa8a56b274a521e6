import { InvalidInputError } from '@provena/contract'

/**
 * Page tokens are opaque to clients: base64url of a small JSON object. A token that does not
 * decode is the client's mistake, so it is an InvalidInputError.
 */
export function encodePageToken(position: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url')
}

export function decodePageToken<T>(token: string, isValid: (value: unknown) => value is T): T {
  let value: unknown
  try {
    value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'))
  } catch (cause) {
    throw new InvalidInputError('invalid page token', { cause })
  }
  if (!isValid(value)) throw new InvalidInputError('invalid page token')
  return value
}

export function isOffsetPosition(value: unknown): value is { offset: number } {
  return (
    typeof value === 'object' &&
    value !== null &&
    Number.isSafeInteger((value as { offset?: unknown }).offset) &&
    (value as { offset: number }).offset >= 0
  )
}

/**
 * One page of a list paged by offset. `fetch` is asked for one row more than the page, which
 * tells whether another page follows without counting the rest.
 */
export async function offsetPage<T>(
  pageToken: string | undefined,
  maxResults: number,
  fetch: (window: { limit: number; offset: number }) => Promise<T[]>,
): Promise<{ items: T[]; nextPageToken: string | null }> {
  const { offset } = pageToken ? decodePageToken(pageToken, isOffsetPosition) : { offset: 0 }
  const rows = await fetch({ limit: maxResults + 1, offset })
  return {
    items: rows.slice(0, maxResults),
    nextPageToken: rows.length > maxResults ? encodePageToken({ offset: offset + maxResults }) : null,
  }
}
