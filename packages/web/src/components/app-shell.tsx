import type { ReactNode } from 'react'
import { useLogout, useWhoAmI } from '../features/auth/auth-queries'
import { paths } from '../routes'
import { Link } from './link'
import { useTheme } from './theme'

export interface NavItem {
  label: string
  href: string
  isCurrent: boolean
}

/** The frame of every page: the navigation bar, the theme switch and who is signed in. */
export function AppShell({ nav, children }: { nav: NavItem[]; children: ReactNode }) {
  const [theme, setTheme] = useTheme()
  const whoami = useWhoAmI()
  const logout = useLogout()
  const user = whoami.data
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link href={paths.experiments()} className="brand" aria-label="Provena home">
          <img src="/favicon.svg" alt="" width={22} height={22} />
          Provena
        </Link>
        <nav aria-label="Main">
          {nav.map((item) => (
            <Link key={item.label} href={item.href} aria-current={item.isCurrent ? 'page' : undefined}>
              {item.label}
            </Link>
          ))}
        </nav>
        <div className="topbar-end">
          <button
            type="button"
            className="ghost"
            onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}
            aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}
          >
            {theme === 'dark' ? '☀' : '☾'}
          </button>
          {user?.isAuthEnabled && user.username ? (
            <>
              <span className="muted">{user.username}</span>
              <button type="button" className="ghost" onClick={() => logout.mutate()}>
                Sign out
              </button>
            </>
          ) : null}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  )
}
