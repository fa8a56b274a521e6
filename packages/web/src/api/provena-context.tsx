import { Provena } from '@provena/sdk'
import { createContext, type ReactNode, useContext } from 'react'

const ProvenaContext = createContext<Provena | null>(null)

/**
 * The SDK client of the page's own server: relative URLs, so the session cookie of the login
 * page goes along. No retries: a person is waiting, and the query cache retries reads itself.
 */
export function createBrowserClient(): Provena {
  return new Provena({ url: '', maxRetries: 0 })
}

export function ProvenaProvider({ client, children }: { client: Provena; children: ReactNode }) {
  return <ProvenaContext.Provider value={client}>{children}</ProvenaContext.Provider>
}

/** The SDK client; every server call of the UI goes through it. */
export function useProvena(): Provena {
  const client = useContext(ProvenaContext)
  if (!client) throw new Error('useProvena outside ProvenaProvider')
  return client
}
