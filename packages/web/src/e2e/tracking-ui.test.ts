import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  collectPageErrors,
  countPixelsOfColor,
  launchBrowser,
  lowContrastText,
  shouldRunBrowserTests,
} from '../test-support/browser.js'
import { DEMO_ARTIFACTS, type DemoData, seedDemoData } from '../test-support/demo-data.js'
import { startUiServer, UI_ADMIN_PASSWORD } from '../test-support/ui-server.js'

// The first two line colours of the charts (LINE_COLORS): a chart that drew its lines has many such pixels.
const FIRST_LINE: [number, number, number] = [0x3b, 0x6f, 0xe0]
const SECOND_LINE: [number, number, number] = [0xe0, 0x66, 0x3b]

describe.runIf(shouldRunBrowserTests('tracking UI'))('the tracking UI in headless Chromium', () => {
  let server: Awaited<ReturnType<typeof startUiServer>>
  let browser: Browser
  let page: Page
  let demo: DemoData
  let pageErrors: string[]

  const rowIds = () =>
    page.locator('[role=row][data-row-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-row-id')))
  const rowCount = () => page.locator('[role=row][data-row-id]').count()
  async function waitForRowCount(count: number) {
    await page.waitForFunction((n) => document.querySelectorAll('[role=row][data-row-id]').length === n, count)
  }
  async function applyFilter(filter: string) {
    const input = page.getByRole('combobox', { name: 'Filter' })
    await input.fill(filter)
    await input.press('Escape')
    await input.press('Enter')
  }

  beforeAll(async () => {
    server = await startUiServer()
    demo = await seedDemoData(server.provena)
    browser = await launchBrowser()
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } })
    pageErrors = collectPageErrors(page)
  }, 240_000)

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  it('asks for credentials, refuses a wrong password and signs in with the right one', async () => {
    await page.goto(`${server.url}/`)
    await page.getByLabel('User name').fill('admin')
    await page.getByLabel('Password').fill('not-the-password')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('alert').waitFor()
    await page.getByLabel('Password').fill(UI_ADMIN_PASSWORD)
    await page.getByRole('button', { name: 'Sign in' }).click()
    const table = page.getByRole('table', { name: 'Experiments' })
    await table.getByRole('link', { name: 'image-classifier' }).waitFor()
    expect(await table.getByRole('link').allTextContents()).toEqual(
      expect.arrayContaining(['text-classifier', 'image-classifier']),
    )
    // The refused sign-in was logged by the browser as a failed (401) request; that one was expected.
    pageErrors.length = 0
  })

  it('creates, renames, deletes and restores an experiment', async () => {
    await page.getByLabel('New experiment').fill('e2e-created')
    await page.getByRole('button', { name: 'Create' }).click()
    const table = page.getByRole('table', { name: 'Experiments' })
    await table.getByRole('link', { name: 'e2e-created' }).waitFor()
    await page.getByRole('button', { name: 'Rename e2e-created' }).click()
    await page.getByLabel('New name of e2e-created').fill('e2e-renamed')
    await page.getByRole('button', { name: 'Save' }).click()
    await table.getByRole('link', { name: 'e2e-renamed' }).waitFor()
    await page.getByRole('button', { name: 'Delete e2e-renamed' }).click()
    await table.getByRole('link', { name: 'e2e-renamed' }).waitFor({ state: 'detached' })
    await page.getByLabel('Show').selectOption('deleted')
    await table.getByRole('link', { name: 'e2e-renamed' }).waitFor()
    await page.getByRole('button', { name: 'Restore' }).click()
    await table.getByRole('link', { name: 'e2e-renamed' }).waitFor({ state: 'detached' })
    const restored = await server.provena.experiments.getByName('e2e-renamed')
    expect(restored.lifecycle).toBe('active')
  })

  it('lists the runs of an experiment with nested runs under their parent, and collapses them', async () => {
    await page.getByLabel('Show').selectOption('active')
    await page.getByRole('link', { name: 'image-classifier' }).click()
    await waitForRowCount(17)
    const ids = await rowIds()
    const sweepAt = ids.indexOf(demo.runIds['lr-sweep'] ?? '')
    expect(ids.slice(sweepAt + 1, sweepAt + 4).sort()).toEqual(
      ['trial-0', 'trial-1', 'trial-2'].map((name) => demo.runIds[name]).sort(),
    )
    await page.getByRole('button', { name: 'Collapse 3 nested runs of lr-sweep' }).click()
    await waitForRowCount(14)
    await page.getByRole('button', { name: 'Expand 3 nested runs of lr-sweep' }).click()
    await waitForRowCount(17)
    const failed = page.locator(`[data-row-id="${demo.runIds['resnet-05']}"] .badge`)
    expect(await failed.textContent()).toBe('failed')
  })

  it('filters on the server, shows a syntax error where it is, and completes keys', async () => {
    await applyFilter("params.optimizer = 'adam' and attributes.run_name LIKE 'resnet-%'")
    await waitForRowCount(4)
    expect(new URL(page.url()).searchParams.get('q')).toBe(
      "params.optimizer = 'adam' and attributes.run_name LIKE 'resnet-%'",
    )
    const input = page.getByRole('combobox', { name: 'Filter' })
    await input.fill('metrics.loss <')
    expect(await page.locator('.filter-error').count()).toBe(0)
    await input.press('Enter')
    expect(await page.locator('.filter-error').textContent()).toContain('found end of input')
    await input.fill('metrics.loss >> 1')
    const error = page.locator('.filter-error')
    expect(await error.getByRole('alert').or(error).first().textContent()).toContain('column 15')
    expect(await error.locator('mark').textContent()).toBe('>')
    expect(await page.getByRole('button', { name: 'Apply' }).isDisabled()).toBe(true)
    await input.fill('')
    await input.pressSequentially('metrics.acc')
    await page.getByRole('option', { name: 'metrics.accuracy' }).waitFor()
    await input.press('Enter')
    expect(await input.inputValue()).toBe('metrics.accuracy')
    await waitForRowCount(4)
  })

  it('sorts by a metric column on the server, best first, then the other way', async () => {
    await applyFilter("attributes.run_name LIKE 'resnet-%'")
    await waitForRowCount(12)
    // Newest first before sorting: resnet-11, whose accuracy is the lowest.
    const unsorted = (await rowIds())[0] ?? null
    await page.getByRole('columnheader', { name: 'metrics.accuracy' }).getByRole('button').click()
    await page.waitForFunction(() => new URL(location.href).searchParams.get('sort') === 'metrics.`accuracy` DESC')
    const accuracyColumn = 6
    const values = async () =>
      page
        .locator('[role=row][data-row-id]')
        .evaluateAll((rows, column) => rows.map((r) => Number(r.children[column]?.textContent)), accuracyColumn)
    // The header shows the new order at once; the rows follow when the server's answer arrives
    // (the previous page stays on screen meanwhile), so wait for the first row to change.
    const firstRowChanges = async (from: string | null) =>
      page.waitForFunction(
        (first) => document.querySelector('[role=row][data-row-id]')?.getAttribute('data-row-id') !== first,
        from,
      )
    await page.waitForFunction(() => document.querySelector('[role=columnheader][aria-sort=descending]') !== null)
    await firstRowChanges(unsorted)
    const descending = await values()
    expect(descending).toHaveLength(12)
    expect(descending).toEqual([...descending].sort((a, b) => b - a))
    const firstWhenDescending = (await rowIds())[0] ?? null
    await page.getByRole('columnheader', { name: 'metrics.accuracy' }).getByRole('button').click()
    await page.waitForFunction(() => document.querySelector('[role=columnheader][aria-sort=ascending]') !== null)
    await firstRowChanges(firstWhenDescending)
    const ascending = await values()
    expect(ascending).toEqual([...descending].reverse())
  })

  it('selects runs with the keyboard and the checkboxes, keeping the selection in the URL', async () => {
    const grid = page.getByRole('grid', { name: 'Runs' })
    await grid.focus()
    await grid.press('Home')
    await grid.press('Space')
    const first = (await rowIds())[0] ?? ''
    await page.waitForFunction(
      (id) => document.querySelector(`[data-row-id="${id}"]`)?.getAttribute('aria-selected') === 'true',
      first,
    )
    await grid.press('Space')
    await page.waitForFunction(
      (id) => document.querySelector(`[data-row-id="${id}"]`)?.getAttribute('aria-selected') === 'false',
      first,
    )
    await page.getByLabel('Select run resnet-00').check()
    await page.getByLabel('Select run resnet-01').check()
    expect(new URL(page.url()).searchParams.getAll('sel').sort()).toEqual(
      [demo.runIds['resnet-00'], demo.runIds['resnet-01']].sort(),
    )
    expect(await rowCount()).toBe(12)
  })

  it('compares the selected runs: differences highlighted, overlaid charts, parallel coordinates and scatter plot', async () => {
    await page.getByRole('button', { name: 'Compare 2 runs' }).click()
    const table = page.getByRole('table', { name: 'Params and metrics of the compared runs' })
    await table.waitFor()
    const differs = async (key: string) =>
      table
        .locator('tr', { has: page.getByRole('rowheader', { name: new RegExp(`^${key}`) }) })
        .getAttribute('data-differs')
    expect(await differs('params.optimizer')).toBe('true')
    expect(await differs('params.batch_size')).toBe('true')
    expect(await table.locator('tr', { hasText: 'params.optimizer' }).locator('td').allTextContents()).toEqual([
      'adam',
      'sgd',
    ])
    await page.getByLabel('only rows that differ').check()
    expect(await table.getByRole('rowheader').allTextContents()).not.toContain('params.team')
    await page.waitForFunction(() => document.querySelectorAll('.chart-canvas[data-drawn=true]').length === 2)
    expect(await countPixelsOfColor(page, '.chart-grid', FIRST_LINE)).toBeGreaterThan(200)
    expect(await countPixelsOfColor(page, '.chart-grid', SECOND_LINE)).toBeGreaterThan(200)
    expect(await page.locator('svg[aria-label^="Parallel coordinates"] polyline').count()).toBe(2)
    expect(await page.locator('svg[aria-label^="Scatter plot"] circle').count()).toBe(2)
    await page.getByLabel('Y axis of the scatter plot').selectOption('metrics.loss')
    expect(new URL(page.url()).searchParams.get('sy')).toBe('metrics.loss')
  })

  it('loads more runs as the table scrolls, keeping only the visible rows in the page', async () => {
    const many = await server.provena.experiments.create({ name: 'many-runs' })
    for (let i = 0; i < 125; i += 25) {
      await Promise.all(
        Array.from({ length: 25 }, (_, k) =>
          server.provena.startRun({ experiment: many.id, name: `bulk-${i + k}` }).then((run) => run.end()),
        ),
      )
    }
    await page.goto(`${server.url}/runs?e=${many.id}`)
    const footer = page.locator('.data-table-footer')
    await footer.getByText('100 runs loaded, more below').waitFor()
    const grid = page.getByRole('grid', { name: 'Runs' })
    await grid.focus()
    for (let i = 0; i < 3; i++) {
      await grid.press('End')
      await page.waitForTimeout(300)
    }
    await footer.getByText('125 runs', { exact: true }).waitFor()
    expect(await rowCount()).toBeLessThan(80)
    expect(await page.locator('[role=row][aria-rowindex="126"]').count()).toBe(1)
  })

  it('shows a run: overview, params, and a drawn chart per metric on a log scale', async () => {
    await page.goto(`${server.url}/runs/${demo.runIds['resnet-03']}`)
    await page.getByRole('heading', { name: /resnet-03/ }).waitFor()
    await page.getByRole('tab', { name: 'Params' }).click()
    const params = page.getByRole('table', { name: 'Params' })
    expect(await params.locator('tr', { hasText: 'optimizer' }).locator('td').textContent()).toBe('adam')
    expect(await params.locator('tr', { hasText: 'lr' }).locator('td').textContent()).toBe('0.003')
    await page.getByRole('tab', { name: 'Metrics' }).click()
    await page.getByLabel('log scale').check()
    expect(new URL(page.url()).searchParams.get('log')).toBe('1')
    await page.waitForFunction(() => document.querySelectorAll('.chart-canvas[data-drawn=true]').length === 2)
    expect(await countPixelsOfColor(page, '.chart-grid', FIRST_LINE)).toBeGreaterThan(200)
  })

  it('fetches the zoomed step range again at full density when a chart is zoomed in', async () => {
    const plotArea = page.locator('.chart-canvas .u-over').first()
    const box = await plotArea.boundingBox()
    if (!box) throw new Error('the chart has no plot area')
    const zoomed = page.waitForRequest((request) => /[?&]minStep=\d+&maxStep=\d+/.test(request.url()))
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2)
    await page.mouse.down()
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2, { steps: 5 })
    await page.mouse.up()
    const url = new URL((await zoomed).url())
    const [minStep, maxStep] = [Number(url.searchParams.get('minStep')), Number(url.searchParams.get('maxStep'))]
    expect(minStep).toBeGreaterThan(20)
    expect(maxStep).toBeLessThan(80)
  })

  it("lists a run's artifacts, opens a folder and downloads a file", async () => {
    await page.goto(`${server.url}/runs/${demo.runIds['resnet-03']}`)
    await page.getByRole('tab', { name: 'Artifacts' }).click()
    const table = page.getByRole('table', { name: 'Artifacts' })
    await table.waitFor()
    expect(await table.locator('tbody td:first-child').allTextContents()).toEqual(['model/', 'notes.txt'])
    await table.getByRole('button', { name: 'model/' }).click()
    await table.getByRole('link', { name: 'weights.bin' }).waitFor()
    expect(new URL(page.url()).searchParams.get('dir')).toBe('model')
    const row = table.locator('tr', { hasText: 'weights.bin' })
    expect(await row.locator('td').nth(1).textContent()).toBe(`${DEMO_ARTIFACTS['model/weights.bin']?.length} B`)
    const href = (await table.getByRole('link', { name: 'weights.bin' }).getAttribute('href')) ?? ''
    const downloaded = await page.evaluate(async (url) => (await fetch(url)).text(), href)
    expect(downloaded).toBe(DEMO_ARTIFACTS['model/weights.bin'])
    await page.getByRole('navigation', { name: 'Artifact folder' }).getByRole('button', { name: 'artifacts' }).click()
    await table.getByRole('link', { name: 'notes.txt' }).waitFor()
  })

  it('lists the nested runs of a parent on its overview', async () => {
    await page.goto(`${server.url}/runs/${demo.runIds['lr-sweep']}`)
    const facts = page.locator('.facts')
    await facts.getByRole('link', { name: 'trial-2' }).waitFor()
    expect((await facts.getByRole('link').allTextContents()).filter((t) => t.startsWith('trial-')).sort()).toEqual([
      'trial-0',
      'trial-1',
      'trial-2',
    ])
  })

  it('follows a running run as it logs new points', async () => {
    const runId = demo.runIds['live-run'] ?? ''
    await page.goto(`${server.url}/runs/${runId}`)
    const latest = page.getByRole('table', { name: 'Latest metrics' })
    await latest.getByText('(step 29)').waitFor()
    const batch = Array.from({ length: 30 }, (_, i) => ({ key: 'loss', value: 0.01, step: 30 + i }))
    await fetch(`${server.url}/api/v1/runs/${runId}/batch`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(`admin:${UI_ADMIN_PASSWORD}`).toString('base64')}`,
      },
      body: JSON.stringify({ metrics: batch }),
    })
    await latest.getByText('(step 59)').waitFor({ timeout: 15_000 })
  })

  it('keeps every visible text at WCAG AA contrast in both themes', async () => {
    for (const path of [
      `/runs?e=${demo.experiment.id}&sel=${demo.runIds['resnet-00']}`,
      `/runs/${demo.runIds['resnet-03']}`,
    ]) {
      await page.goto(`${server.url}${path}`)
      await page.locator('.badge').first().waitFor()
      for (const theme of ['light', 'dark']) {
        await page.evaluate((t) => {
          document.documentElement.dataset.theme = t
        }, theme)
        expect(await lowContrastText(page), `${path} (${theme})`).toEqual([])
      }
    }
  })

  it('switches to the dark theme and remembers it', async () => {
    await page.getByRole('button', { name: 'Switch to dark theme' }).click()
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark')
    await page.reload()
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark')
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(20, 23, 28)')
  })

  it('raised no error in the page', () => {
    expect(pageErrors).toEqual([])
  })

  it('signs out back to the login page', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.getByRole('button', { name: 'Sign in' }).waitFor()
    const whoami = await page.evaluate(async () => (await fetch('/api/v1/auth/whoami')).json())
    expect(whoami.kind).toBe('anonymous')
  })
})
