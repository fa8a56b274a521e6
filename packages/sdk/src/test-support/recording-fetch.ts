/** A fetch that records `METHOD /path` of every call before passing it on to the real one. */
export function recordingFetch(): { fetch: typeof fetch; calls: string[] } {
  const calls: string[] = []
  const recording: typeof fetch = (input, init) => {
    calls.push(`${init?.method ?? 'GET'} ${new URL(String(input)).pathname}`)
    return fetch(input, init)
  }
  return { fetch: recording, calls }
}
