import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { lowContrastText, openSignedInPage, shouldRunBrowserTests } from '../test-support/browser.js'
import { LINEAGE_COMMIT, type LineageDemoData, seedLineageDemoData } from '../test-support/lineage-demo-data.js'
import { startUiServer, UI_ADMIN_PASSWORD } from '../test-support/ui-server.js'

describe.runIf(shouldRunBrowserTests('lineage UI'))('the lineage explorer in headless Chromium', () => {
  let server: Awaited<ReturnType<typeof startUiServer>>
  let browser: Browser
  let page: Page
  let demo: LineageDemoData
  let pageErrors: string[]

  /** Waits until the current graph is laid out, drawn and fitted in view, so nothing moves any more. */
  const settled = () => page.locator('.lineage-canvas[aria-busy=false]').waitFor()
  /** The nodes drawn in the graph, by their accessible names (`<type> <label>`), sorted. */
  const drawnNodes = async () => {
    await settled()
    return (
      await page.locator('.react-flow__node article').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')))
    )
      .map(String)
      .sort()
  }
  /** The labels of the edges drawn in the graph, sorted. */
  const drawnEdgeLabels = async () => {
    await settled()
    return (await page.locator('.react-flow__edge-text').allTextContents()).sort()
  }
  /** The edges as the table under the graph lists them: [from, edge, to], sorted. */
  const edgeRows = async () =>
    (
      await page
        .getByRole('table', { name: 'Lineage edges', includeHidden: true })
        .locator('tbody tr')
        .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')))
    ).sort((a, b) => a.join('|').localeCompare(b.join('|')))
  const node = (name: string) => page.getByRole('article', { name, exact: true })
  /** Clicks a node away from its link and button: a click on the node itself adds its neighbours. */
  const clickNode = async (name: string) => {
    await settled()
    const box = await node(name).boundingBox()
    if (!box) throw new Error(`node ${name} is not drawn`)
    await page.mouse.click(box.x + box.width * 0.5, box.y + box.height * 0.9)
  }

  beforeAll(async () => {
    server = await startUiServer()
    demo = await seedLineageDemoData(server.provena)
    const signedIn = await openSignedInPage(server.url, UI_ADMIN_PASSWORD)
    browser = signedIn.browser
    page = signedIn.page
    pageErrors = signedIn.pageErrors
  }, 240_000)

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  it("opens from a dataset version's page and draws its downstream graph to depth 2, saying it is truncated", async () => {
    await page.goto(`${server.url}/datasets/reviews/1`)
    await page.getByRole('main').getByRole('link', { name: 'Lineage', exact: true }).click()
    await node('model version sentiment-base v1').waitFor()
    expect(new URL(page.url()).search).toBe('?ref=datasets%3A%2Freviews%401')
    expect(await drawnNodes()).toEqual([
      'dataset version reviews@1',
      'model version sentiment-base v1',
      'run train-base',
    ])
    expect(await edgeRows()).toEqual([
      ['reviews@1', 'input: training', 'train-base'],
      ['train-base', 'output', 'sentiment-base v1'],
    ])
    await expect.poll(drawnEdgeLabels).toEqual(['input: training', 'output'])
    expect(await node('dataset version reviews@1').textContent()).toContain('queried')
    await page.getByText('Truncated:').waitFor()
  })

  it('adds the neighbours of a clicked node, both ways, and lays the graph out again', async () => {
    await clickNode('run train-base')
    await node(`code version sentiment@${LINEAGE_COMMIT.slice(0, 7)}`).waitFor()
    await clickNode('model version sentiment-base v1')
    await node('run fine-tune').waitFor()
    expect(await drawnNodes()).toEqual([
      'code version sentiment@c0ffee0',
      'dataset version reviews@1',
      'model version sentiment-base v1',
      'run fine-tune',
      'run train-base',
    ])
    expect(await edgeRows()).toEqual([
      ['reviews@1', 'input: training', 'train-base'],
      ['sentiment-base v1', 'input: fine-tuning', 'fine-tune'],
      ['sentiment@c0ffee0', 'executed', 'train-base'],
      ['train-base', 'output', 'sentiment-base v1'],
    ])
    // Upstream is on the left: the fine-tuning run is right of the model version it used.
    const [base, fineTune] = await Promise.all([
      node('model version sentiment-base v1').boundingBox(),
      node('run fine-tune').boundingBox(),
    ])
    expect((fineTune?.x ?? 0) > (base?.x ?? 0)).toBe(true)
    const selected = page.getByRole('complementary', { name: 'Selected node' })
    expect(await selected.getByRole('heading').textContent()).toBe('sentiment-base v1')
    expect(new URL(page.url()).searchParams.getAll('open')).toEqual([
      `runs:/${demo.trainRunId}`,
      'models:/sentiment-base/1',
    ])
  })

  it('adds neighbours from the keyboard with the button in each node', async () => {
    await node('run fine-tune').getByRole('button', { name: 'Show the neighbours of fine-tune' }).focus()
    await page.keyboard.press('Enter')
    await node('model version sentiment-tuned v1').waitFor()
    // Edges are drawn once React Flow has measured the nodes at both ends.
    await expect
      .poll(drawnEdgeLabels)
      .toEqual(['executed', 'input: fine-tuning', 'input: training', 'output', 'output'])
  })

  it('joins the node types shown through the hidden ones', async () => {
    await page.getByRole('checkbox', { name: 'run' }).uncheck()
    await page.getByRole('checkbox', { name: 'code version' }).uncheck()
    await page.waitForFunction(() => document.querySelectorAll('.react-flow__node').length === 3)
    expect(await drawnNodes()).toEqual([
      'dataset version reviews@1',
      'model version sentiment-base v1',
      'model version sentiment-tuned v1',
    ])
    expect(await edgeRows()).toEqual([
      ['reviews@1', 'via run', 'sentiment-base v1'],
      ['sentiment-base v1', 'via run', 'sentiment-tuned v1'],
    ])
    expect(new URL(page.url()).searchParams.getAll('type')).toEqual(['dataset_version', 'model_version', 'external'])
    await page.getByRole('checkbox', { name: 'run' }).check()
    await page.getByRole('checkbox', { name: 'code version' }).check()
    await node('run fine-tune').waitFor()
  })

  it("follows a node's link to its page, and that page links back to its lineage", async () => {
    await node('model version sentiment-tuned v1').getByRole('link', { name: 'sentiment-tuned v1' }).click()
    await page.waitForURL(`${server.url}/models/sentiment-tuned/1`)
    await page.getByRole('heading', { name: 'sentiment-tuned v1' }).waitFor()
    await page.getByRole('main').getByRole('link', { name: 'Lineage', exact: true }).click()
    await node('run fine-tune').waitFor()
    expect(new URL(page.url()).searchParams.get('ref')).toBe('models:/sentiment-tuned/1')
    expect(await drawnNodes()).toEqual([
      'model version sentiment-base v1',
      'model version sentiment-tuned v1',
      'run fine-tune',
    ])
  })

  it("reaches a run's lineage from the run page, and shows a code version's properties, which has no page", async () => {
    await page.goto(`${server.url}/runs/${demo.trainRunId}`)
    await page.getByRole('main').getByRole('link', { name: 'Lineage', exact: true }).click()
    await clickNode(`code version sentiment@${LINEAGE_COMMIT.slice(0, 7)}`)
    const selected = page.getByRole('complementary', { name: 'Selected node' })
    await selected.getByText(LINEAGE_COMMIT, { exact: true }).waitFor()
    await selected.getByText('https://github.com/acme/sentiment.git').waitFor()
    expect(await selected.getByRole('link', { name: 'Open its page' }).count()).toBe(0)
    expect(
      await node(`code version sentiment@${LINEAGE_COMMIT.slice(0, 7)}`)
        .getByRole('link')
        .count(),
    ).toBe(0)
  })

  it('keeps every visible text at WCAG AA contrast in both themes', async () => {
    await page.goto(`${server.url}/lineage?ref=${encodeURIComponent('models:/sentiment-base/1')}`)
    await node('run fine-tune').waitFor()
    for (const theme of ['light', 'dark']) {
      await page.evaluate((t) => {
        document.documentElement.dataset.theme = t
      }, theme)
      expect(await lowContrastText(page), theme).toEqual([])
    }
  })

  it('says so when a node has no recorded lineage, and still draws it', async () => {
    await page.goto(`${server.url}/lineage?ref=${encodeURIComponent('datasets:/notes@1')}`)
    await page
      .getByRole('status')
      .getByText('notes@1 has no recorded lineage: nothing was recorded as used to make it or made from it.')
      .waitFor()
    await node('dataset version notes@1').waitFor()
    expect(await drawnNodes()).toEqual(['dataset version notes@1'])
    expect(await page.getByText('Truncated:').count()).toBe(0)
  })

  it('says so when a ref does not exist or is not a ref, and draws nothing', async () => {
    const missing = `runs:/${'0'.repeat(32)}`
    await page.goto(`${server.url}/lineage?ref=${encodeURIComponent(missing)}`)
    expect(await page.getByRole('alert').textContent()).toMatch(
      new RegExp(`^No lineage for ${missing}: it does not exist, or you may not read it: .*not found`),
    )
    expect(await page.locator('.react-flow__node').count()).toBe(0)
    await page.getByLabel('Ref', { exact: true }).fill('churn-model')
    await page.getByRole('button', { name: 'Show' }).click()
    expect(await page.getByRole('alert').textContent()).toMatch(/^Could not load the lineage of churn-model: .*ref/)
    // The browser logs the 404 and 400 answers; they were expected.
    pageErrors.splice(0, pageErrors.length, ...pageErrors.filter((e) => !e.includes('404') && !e.includes('400')))
  })

  it('raised no error in the page', () => {
    expect(pageErrors).toEqual([])
  })
})
