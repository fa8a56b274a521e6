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
