import { useEffect, useState } from 'react'

export type Theme = 'light' | 'dark'

const STORAGE_KEY = 'provena.theme'

function initialTheme(): Theme {
  const stored = window.localStorage.getItem(STORAGE_KEY)
  const theme = stored === 'light' || stored === 'dark' ? stored : systemTheme()
  // Set before the first paint, so a dark page does not flash white.
  document.documentElement.dataset.theme = theme
  return theme
}

function systemTheme(): Theme {
  return window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'
}

/** The colour theme: the user's last choice, else the system's; set on <html data-theme>. */
export function useTheme(): [Theme, (theme: Theme) => void] {
  const [theme, setTheme] = useState<Theme>(initialTheme)
  useEffect(() => {
    document.documentElement.dataset.theme = theme
    window.localStorage.setItem(STORAGE_KEY, theme)
  }, [theme])
  return [theme, setTheme]
}

/** A CSS custom property of the current theme, for drawing on canvas. */
export function themeColor(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim()
}
