import { existsSync } from 'node:fs'
import { type Browser, chromium, type Page } from 'playwright-core'

/** Debian's Chromium; playwright's own browser downloads are never used. */
const CHROMIUM_PATH = '/usr/bin/chromium'

/**
 * Whether browser suites run here: when Chromium is installed, or when PROVENA_REQUIRE_BROWSER=1
 * (CI), where a missing Chromium must fail the run instead of skipping quietly.
 */
export function shouldRunBrowserTests(suite: string): boolean {
  if (existsSync(CHROMIUM_PATH)) return true
  if (process.env.PROVENA_REQUIRE_BROWSER === '1') return true
  console.warn(
    `\n*** SKIPPED browser tests "${suite}": ${CHROMIUM_PATH} is not installed (apt-get install chromium). ` +
      'Set PROVENA_REQUIRE_BROWSER=1 to make this a failure. ***\n',
  )
  return false
}

/** A headless Chromium as the project's rules launch it. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
}

/**
 * A fresh browser with one page signed in to the UI at `url`; the page's errors are collected
 * from then on (before signing in, the first request is answered 401, as it should be).
 */
export async function openSignedInPage(url: string, password: string, username = 'admin') {
  const browser = await launchBrowser()
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } })
  const pageErrors = collectPageErrors(page)
  await page.goto(`${url}/`)
  await page.getByLabel('User name').fill(username)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('table', { name: 'Experiments' }).waitFor()
  pageErrors.length = 0
  return { browser, page, pageErrors }
}

/**
 * How many pixels of the canvases inside `selector` have (nearly) the given colour: lines a chart
 * drew, as opposed to an empty frame of axes and grid.
 */
export function countPixelsOfColor(page: Page, selector: string, [r, g, b]: [number, number, number]) {
  return page.evaluate(
    ({ selector, r, g, b }) => {
      let count = 0
      for (const canvas of document.querySelectorAll<HTMLCanvasElement>(`${selector} canvas`)) {
        const context = canvas.getContext('2d')
        if (!context || canvas.width === 0) continue
        const { data } = context.getImageData(0, 0, canvas.width, canvas.height)
        for (let i = 0; i < data.length; i += 4) {
          const isClose =
            Math.abs((data[i] ?? 0) - r) < 40 &&
            Math.abs((data[i + 1] ?? 0) - g) < 40 &&
            Math.abs((data[i + 2] ?? 0) - b) < 40
          if (isClose && (data[i + 3] ?? 0) > 100) count++
        }
      }
      return count
    },
    { selector, r, g, b },
  )
}

/** Fails the test on any uncaught error or console error of the page. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text())
  })
  return errors
}

/**
 * Visible text whose colour has less than the WCAG AA contrast with the background behind it:
 * 4.5:1, or 3:1 for large text (24px, or 18.66px bold). Disabled controls are exempt, as in WCAG.
 * Returns one line per offending element.
 */
export function lowContrastText(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const parse = (color: string) => {
      const [r = 0, g = 0, b = 0, a = 1] = (color.match(/[\d.]+/g) ?? []).map(Number)
      return { r, g, b, a }
    }
    const luminance = ({ r, g, b }: { r: number; g: number; b: number }) => {
      const channel = (v: number) => {
        const s = v / 255
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4
      }
      return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    }
    const backgroundOf = (element: Element) => {
      for (let e: Element | null = element; e; e = e.parentElement) {
        const background = parse(getComputedStyle(e).backgroundColor)
        if (background.a > 0.5) return background
      }
      return { r: 255, g: 255, b: 255, a: 1 }
    }
    const failures: string[] = []
    for (const element of document.querySelectorAll('body *')) {
      const hasOwnText = [...element.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent?.trim())
      if (!hasOwnText || (element as HTMLButtonElement).disabled || element.closest('[aria-hidden=true]')) continue
      const style = getComputedStyle(element)
      const box = element.getBoundingClientRect()
      if (style.visibility === 'hidden' || box.width === 0 || box.height === 0 || Number(style.opacity) < 0.9) continue
      const [text, background] = [luminance(parse(style.color)), luminance(backgroundOf(element))]
      const ratio = (Math.max(text, background) + 0.05) / (Math.min(text, background) + 0.05)
      const size = Number.parseFloat(style.fontSize)
      const isLarge = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700)
      if (ratio < (isLarge ? 3 : 4.5)) {
        failures.push(
          `${element.tagName.toLowerCase()}.${element.className} "${element.textContent?.trim().slice(0, 30)}": ${ratio.toFixed(2)}`,
        )
      }
    }
    return failures
  })
}
