import { QueryClientProvider } from '@tanstack/react-query'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { createBrowserClient, ProvenaProvider } from './api/provena-context'
import { createQueryClient } from './api/query-client'
import { App } from './app'
import { WHOAMI_KEY } from './features/auth/auth-queries'
import './styles.css'

const queryClient = createQueryClient(() => {
  void queryClient.invalidateQueries({ queryKey: WHOAMI_KEY })
})

const root = document.getElementById('root')
if (!root) throw new Error('index.html has no #root')
createRoot(root).render(
  <StrictMode>
    <ProvenaProvider client={createBrowserClient()}>
      <QueryClientProvider client={queryClient}>
        <App />
      </QueryClientProvider>
    </ProvenaProvider>
  </StrictMode>,
)
