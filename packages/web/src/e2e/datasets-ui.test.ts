import { createHash } from 'node:crypto'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { datasetDigest } from '../../../data/src/index.js'
import { lowContrastText, openSignedInPage, shouldRunBrowserTests } from '../test-support/browser.js'
import { type DatasetDemoData, seedDatasetDemoData } from '../test-support/dataset-demo-data.js'
import { startUiServer, UI_ADMIN_PASSWORD } from '../test-support/ui-server.js'

const COLUMNS = ['age', 'income', 'plan', 'signup', 'is_active']

describe.runIf(shouldRunBrowserTests('datasets UI'))('the datasets UI in headless Chromium', () => {
  let server: Awaited<ReturnType<typeof startUiServer>>
  let browser: Browser
  let page: Page
  let demo: DatasetDemoData
  let pageErrors: string[]

  /** How many bars of a series (0: the only or reference one, 1: the current one) a histogram drew. */
  async function barCount(column: string, series: number) {
    // Histograms are drawn as they scroll into view.
    const figure = page.locator(`figure[data-column="${column}"]`)
    await figure.scrollIntoViewIfNeeded()
    const histogram = figure.locator(`svg[aria-label="Histogram of ${column}"]`)
    await histogram.waitFor()
    return histogram.locator(`rect.series-${series}`).count()
  }

  beforeAll(async () => {
    server = await startUiServer()
    const experiment = await server.provena.experiments.create({ name: 'churn' })
    demo = await seedDatasetDemoData(server.provena, experiment.id)
    const signedIn = await openSignedInPage(server.url, UI_ADMIN_PASSWORD)
    browser = signedIn.browser
    page = signedIn.page
    pageErrors = signedIn.pageErrors
  }, 240_000)

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  it('lists the datasets with their latest version and version count, from the navigation', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Datasets' }).click()
    const table = page.getByRole('table', { name: 'Datasets' })
    await table.getByRole('link', { name: 'customers', exact: true }).waitFor()
    const row = table.locator('tr', { has: page.getByRole('link', { name: 'customers', exact: true }) })
    expect((await row.locator('td').allTextContents()).slice(0, 3)).toEqual(['customers', 'v2', '2'])
    expect(await table.getByRole('link', { name: 'churn-scores', exact: true }).count()).toBe(1)
  })

  it("shows a dataset's versions newest first, and compares two ticked versions", async () => {
    await page.getByRole('link', { name: 'customers', exact: true }).click()
    const versions = page.getByRole('table', { name: 'Versions' })
    await versions.getByRole('link', { name: 'v1' }).waitFor()
    expect(await versions.locator('tbody tr td:nth-child(2)').allTextContents()).toEqual(['v2', 'v1'])
    const v2 = versions.locator('tr', { has: page.getByRole('link', { name: 'v2' }) })
    expect(await v2.locator('td').nth(2).textContent()).toBe('3')
    expect(await v2.locator('td').nth(4).textContent()).toBe('2,000')
    expect(await v2.locator('code').getAttribute('title')).toBe(demo.current.digest)
    await page.getByLabel('Select version 2').check()
    await page.getByLabel('Select version 1').check()
    expect(new URL(page.url()).searchParams.getAll('sel')).toEqual(['2', '1'])
    await page.getByRole('button', { name: 'Compare v1 with v2' }).click()
    await page.getByRole('table', { name: 'Column drift' }).waitFor()
    const url = new URL(page.url())
    expect([url.pathname, url.searchParams.get('a'), url.searchParams.get('b')]).toEqual([
      '/datasets/customers/compare',
      '1',
      '2',
    ])
  })

  it('shows the drift report: the DRIFT verdict, file and schema changes, and a verdict per column', async () => {
    expect(await page.locator('.drift-summary .verdict').textContent()).toBe('drift')
    const summary = page.locator('.drift-summary')
    expect(await summary.getByText('2,000 → 2,000').count()).toBe(1)
    expect(await summary.locator('summary').allTextContents()).toEqual(['1 added', '1 changed'])
    const table = page.getByRole('table', { name: 'Column drift' })
    const verdictOf = async (column: string) => table.locator(`tr[data-column="${column}"] .badge`).textContent()
    expect(await verdictOf('income')).toBe('drift')
    expect(await verdictOf('plan')).toBe('drift')
    expect(await verdictOf('age')).toBe('ok')
    expect(await verdictOf('is_active')).toBe('ok')
    expect(await verdictOf('signup')).toBe('ok')
    expect(await table.locator('tr[data-column="plan"]').textContent()).toContain('new: trial')
    const incomeReasons = await table.locator('tr[data-column="income"] td').last().textContent()
    expect(incomeReasons).not.toBe('—')
  })

  it('overlays the histograms of both versions for every column, with a legend', async () => {
    for (const column of COLUMNS) {
      expect(await barCount(column, 0), `${column} reference`).toBeGreaterThan(0)
      expect(await barCount(column, 1), `${column} current`).toBeGreaterThan(0)
    }
    expect(await page.getByRole('list', { name: 'Legend' }).getByRole('listitem').allTextContents()).toEqual([
      'v1 (reference)',
      'v2 (current)',
    ])
    // The new category has a bar in the current version only (a zero-width one in the reference).
    const trial = page.locator('[data-column="plan"] g.category', { hasText: 'trial' })
    expect(await trial.locator('rect.series-1').getAttribute('width')).not.toBe('0')
    expect(await trial.locator('rect.series-0').getAttribute('width')).toBe('0')
  })

  it('narrows the drift report to the columns that drifted, and by name', async () => {
    const table = page.getByRole('table', { name: 'Column drift' })
    await page.getByLabel('only columns that drifted').check()
    await page.waitForFunction(() => document.querySelectorAll('tr[data-column]').length === 2)
    expect(await table.getByRole('rowheader').allTextContents()).toEqual(['income', 'plan'])
    expect(await page.locator('figure[data-column]').count()).toBe(2)
    await page.getByLabel('Columns', { exact: true }).fill('INC')
    await page.waitForFunction(() => document.querySelectorAll('tr[data-column]').length === 1)
    const url = new URL(page.url())
    expect([url.searchParams.get('drifted'), url.searchParams.get('col')]).toEqual(['1', 'INC'])
    expect(await table.getByRole('rowheader').allTextContents()).toEqual(['income'])
  })

  it('shows a version: summary, profile, a histogram per column, warnings, runs and files', async () => {
    await page.goto(`${server.url}/datasets/customers/2`)
    const profile = page.getByRole('table', { name: 'Schema and profile' })
    await profile.waitFor()
    expect(await page.locator('.facts code.digest').textContent()).toBe(demo.current.digest)
    expect(await profile.getByRole('rowheader').allTextContents()).toEqual(COLUMNS)
    const income = profile.locator('tr', { has: page.getByRole('rowheader', { name: 'income' }) })
    expect((await income.locator('td').allTextContents()).slice(0, 3)).toEqual(['float', '2,000', '0'])
    for (const column of COLUMNS) expect(await barCount(column, 0), column).toBeGreaterThan(0)
    // A timestamp column's axis and statistics are dates.
    const signupAxis = await page.locator('figure[data-column="signup"] text.tick-label').allTextContents()
    expect(signupAxis).toEqual(expect.arrayContaining([expect.stringMatching(/^2024-01-0\d$/)]))
    const signup = profile.locator('tr', { has: page.getByRole('rowheader', { name: 'signup' }) })
    expect(await signup.locator('td').nth(4).textContent()).toMatch(/^2024-01-0\d \d\d:\d\d:\d\d$/)
    expect(await page.locator('svg.histogram[data-series="2"]').count()).toBe(0)
    expect(await page.getByRole('note', { name: 'Profile warnings' }).textContent()).toContain('part-2.csv')
    const runs = page.getByRole('table', { name: 'Runs of this version' })
    expect(await runs.locator('td').allTextContents()).toEqual(
      expect.arrayContaining(['train-churn', 'input (validation)']),
    )
    const files = page.getByRole('grid', { name: 'Files' })
    await files.getByText('part-2.csv').waitFor()
    expect(
      await files.locator('[role=row][data-row-id]').evaluateAll((rows) => rows.map((r) => r.dataset.rowId)),
    ).toEqual(['part-0.csv', 'part-1.csv', 'part-2.csv'])
  })

  it("lists a run's dataset inputs with their context and its outputs, linked to the versions", async () => {
    await page.goto(`${server.url}/runs/${demo.runId}`)
    const table = page.getByRole('table', { name: 'Datasets' })
    await table.getByRole('link', { name: 'customers@1' }).waitFor()
    const rows = await table
      .locator('tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(0, 2).map((td) => td.textContent)))
    expect(rows).toEqual([
      ['customers@1', 'input: training'],
      ['customers@2', 'input: validation'],
      ['churn-scores@1', 'output'],
    ])
    await table.getByRole('link', { name: 'drift from training' }).click()
    await page.getByRole('table', { name: 'Column drift' }).waitFor()
    expect(new URL(page.url()).search).toBe('?a=1&b=2')
    await page.goBack()
    await table.getByRole('link', { name: 'churn-scores@1' }).click()
    await page.getByRole('heading', { name: /churn-scores/ }).waitFor()
    expect(new URL(page.url()).pathname).toBe('/datasets/churn-scores/1')
  })

  it('compares the latest version with the one before it when the URL names no versions', async () => {
    await page.goto(`${server.url}/datasets/customers/compare`)
    await page.getByRole('table', { name: 'Column drift' }).waitFor()
    expect(await page.getByLabel('Reference').inputValue()).toBe('1')
    expect(await page.getByLabel('Current').inputValue()).toBe('2')
    expect(await page.locator('.drift-summary .verdict').textContent()).toBe('drift')
  })

  it('loads the files of a large manifest as the table scrolls, keeping only the visible rows in the page', async () => {
    const files = Array.from({ length: 1200 }, (_, i) => {
      const path = `shards/part-${String(i).padStart(5, '0')}.parquet`
      return { path, sizeBytes: 1000 + i, sha256: createHash('sha256').update(path).digest('hex') }
    })
    await server.provena.datasets.register('many-files', {
      source: 's3://demo-data/shards/',
      format: 'parquet',
      files,
      digest: datasetDigest(files),
      schema: null,
      profile: null,
    })
    await page.goto(`${server.url}/datasets/many-files/1`)
    const footer = page.locator('.data-table-footer')
    await footer.getByText('500 of 1,200 files').waitFor()
    const grid = page.getByRole('grid', { name: 'Files' })
    await grid.focus()
    for (let i = 0; i < 4; i++) {
      await grid.press('End')
      await page.waitForTimeout(300)
    }
    await footer.getByText('1,200 of 1,200 files').waitFor()
    expect(await page.locator('[role=row][data-row-id]').count()).toBeLessThan(80)
    expect(await page.locator('[role=row][data-row-id="shards/part-01199.parquet"]').count()).toBe(1)
    expect(await page.getByText('This version has no schema or profile').count()).toBe(1)
  })

  it('keeps every visible text at WCAG AA contrast in both themes', async () => {
    for (const path of ['/datasets', '/datasets/customers/2', '/datasets/customers/compare?a=1&b=2']) {
      await page.goto(`${server.url}${path}`)
      await page.locator('table').first().waitFor()
      await page.locator('svg.histogram').first().or(page.locator('table[aria-label=Datasets]')).first().waitFor()
      for (const theme of ['light', 'dark']) {
        await page.evaluate((t) => {
          document.documentElement.dataset.theme = t
        }, theme)
        expect(await lowContrastText(page), `${path} (${theme})`).toEqual([])
      }
    }
  })

  it('says so when a dataset or version does not exist', async () => {
    await page.goto(`${server.url}/datasets/no-such-data`)
    expect(await page.getByRole('alert').textContent()).toMatch(/^Could not load the dataset no-such-data: .*not/)
    await page.goto(`${server.url}/datasets/customers/9`)
    expect(await page.getByRole('alert').textContent()).toMatch(/^Could not load customers version 9: .*not/)
    // The browser logs the two 404 answers; they were expected.
    pageErrors.splice(0, pageErrors.length, ...pageErrors.filter((e) => !e.includes('404')))
  })

  it('raised no error in the page', () => {
    expect(pageErrors).toEqual([])
  })
})
