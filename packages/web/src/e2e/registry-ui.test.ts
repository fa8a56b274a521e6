import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { lowContrastText, openSignedInPage, shouldRunBrowserTests } from '../test-support/browser.js'
import { seedDatasetDemoData } from '../test-support/dataset-demo-data.js'
import { MODEL_NAME, type ModelDemoData, REQUESTER, seedModelDemoData } from '../test-support/model-demo-data.js'
import { startUiServer, UI_ADMIN_PASSWORD } from '../test-support/ui-server.js'

describe.runIf(shouldRunBrowserTests('registry UI'))('the model registry UI in headless Chromium', () => {
  let server: Awaited<ReturnType<typeof startUiServer>>
  let browser: Browser
  let page: Page
  let demo: ModelDemoData
  let pageErrors: string[]

  /** The text of each cell of a table's body rows (row headers included). */
  const cells = (table: string) =>
    page
      .getByRole('table', { name: table, exact: true })
      .locator('tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => c.textContent)))

  beforeAll(async () => {
    server = await startUiServer()
    const experiment = await server.provena.experiments.create({ name: 'churn' })
    await seedDatasetDemoData(server.provena, experiment.id)
    demo = await seedModelDemoData(server.provena, server.url, experiment.id)
    const signedIn = await openSignedInPage(server.url, UI_ADMIN_PASSWORD)
    browser = signedIn.browser
    page = signedIn.page
    pageErrors = signedIn.pageErrors
  }, 240_000)

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  it('lists the models with their latest version, aliases (protected marked) and description, from the navigation', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click()
    const table = page.getByRole('table', { name: 'Models' })
    await table.getByRole('link', { name: MODEL_NAME, exact: true }).waitFor()
    expect((await cells('Models'))[0]?.slice(0, 4)).toEqual([
      MODEL_NAME,
      'v3',
      '@production (protected)@staging',
      'Predicts which customers will cancel next month',
    ])
    await page.getByLabel('Search').fill('nothing-like-this')
    await page.getByText('No models match').waitFor()
    expect(new URL(page.url()).search).toBe('?q=nothing-like-this')
  })

  it("shows a model's aliases, pending requests and versions newest first, with links to the source runs", async () => {
    await page.goto(`${server.url}/models/${MODEL_NAME}`)
    await page.getByRole('table', { name: 'Versions' }).getByRole('link', { name: 'v1' }).waitFor()
    expect(await cells('Aliases')).toEqual([
      ['@production', 'v1', 'protected'],
      ['@staging', 'v3', 'no'],
    ])
    const versions = await cells('Versions')
    expect(versions.map((row) => row.slice(0, 3))).toEqual([
      ['v3', '@staging', '3'],
      ['v2', '—', '3'],
      ['v1', '@production (protected)', '3'],
    ])
    expect(versions.map((row) => row[5])).toEqual(['admin', 'admin', 'admin'])
    const requests = await cells('Pending promotion requests')
    expect(requests.map((row) => row.slice(0, 3))).toEqual(
      expect.arrayContaining([
        ['v3 → @production', 'AUC 0.94 on validation, up from 0.88', REQUESTER],
        ['v2 → @production', 'a smaller step first', 'admin'],
      ]),
    )
    const runLink = page
      .getByRole('table', { name: 'Versions' })
      .locator('tbody tr')
      .first()
      .getByRole('link', { name: /^runs:/ })
    expect(await runLink.getAttribute('href')).toBe(`/runs/${demo.runIds[2]}`)
  })

  it('refuses, in words, to let the requester approve their own promotion', async () => {
    await page.getByRole('button', { name: 'Approve v2 → @production' }).click()
    const alert = page.getByRole('alert')
    await alert.waitFor()
    expect(await alert.textContent()).toMatch(/^Could not decide v2 → @production: you asked for this promotion/)
    expect((await cells('Aliases'))[0]).toEqual(['@production', 'v1', 'protected'])
    // The browser logs the refused request (403); it was expected.
    pageErrors.splice(0, pageErrors.length, ...pageErrors.filter((e) => !e.includes('403')))
  })

  it("approves someone else's request: the protected alias moves and the request leaves the list", async () => {
    await page.getByLabel('Comment on v3 → @production').fill('checked the validation report')
    await page.getByRole('button', { name: 'Approve v3 → @production' }).click()
    await page.getByRole('button', { name: 'Approve v3 → @production' }).waitFor({ state: 'detached' })
    await page.waitForFunction(() =>
      document.querySelector('table[aria-label=Aliases] tbody tr td')?.textContent?.includes('v3'),
    )
    expect(await cells('Aliases')).toEqual([
      ['@production', 'v3', 'protected'],
      ['@staging', 'v3', 'no'],
    ])
    expect((await cells('Versions'))[0]?.[1]).toBe('@production (protected)@staging')
    const request = await server.provena.models.listPromotions(MODEL_NAME, 'APPROVED')
    expect(request.map((r) => [r.id, r.decidedBy, r.comment])).toEqual([
      [demo.byRequester.id, 'admin', 'checked the validation report'],
    ])
    // The admin's own request is still waiting; rejecting it is allowed.
    await page.getByRole('button', { name: 'Reject v2 → @production' }).click()
    await page.getByText('No promotion request is waiting.').waitFor()
    expect((await server.provena.models.listPromotions(MODEL_NAME, 'REJECTED')).map((r) => r.id)).toEqual([
      demo.byAdmin.id,
    ])
  })

  it("renders the latest version's model card: written parts, training data linked to datasets, evaluation", async () => {
    const card = page.getByRole('region', { name: 'Model card of version 3' })
    await card.getByRole('table', { name: 'Training data' }).waitFor()
    expect((await cells('Training data')).map((row) => row.slice(0, 3))).toEqual([
      ['customers@1', 'training', '2,000'],
      ['customers@2', 'validation', '2,000'],
    ])
    expect(await cells('Evaluation')).toEqual([
      ['accuracy', '0.87', '0'],
      ['auc', '0.94', '0'],
    ])
    expect(await card.getByText('Rank active customers by their risk of cancelling').count()).toBe(1)
    expect(await card.getByText('Credit, pricing or any decision').count()).toBe(1)
    expect(await card.getByText('Trained on 2024 customers only').count()).toBe(1)
    expect(await card.getByText('Income is a feature').count()).toBe(1)
    expect(await card.getByText('ml-platform, alice').count()).toBe(1)
    await card.getByRole('link', { name: 'customers@2' }).click()
    await page.getByRole('table', { name: 'Schema and profile' }).waitFor()
    expect(new URL(page.url()).pathname).toBe('/datasets/customers/2')
    await page.goBack()
    await page.getByLabel('Model card of', { exact: true }).selectOption('1')
    await page.getByRole('region', { name: 'Model card of version 1' }).waitFor()
    expect(new URL(page.url()).search).toBe('?card=1')
    expect(await page.getByText('The source run recorded no dataset inputs.').count()).toBe(1)
    expect(await cells('Evaluation')).toEqual([
      ['accuracy', '0.81', '0'],
      ['auc', '0.88', '0'],
    ])
  })

  it('shows a version: source run, digest, files, manifest, aliases, card and the alias moves involving it', async () => {
    await page.goto(`${server.url}/models/${MODEL_NAME}/3`)
    await page.getByRole('table', { name: 'Files' }).waitFor()
    const v3 = demo.versions[2]
    expect(await page.locator('.facts code.digest').textContent()).toBe(v3?.digest)
    expect(
      await page
        .locator('.facts')
        .first()
        .getByRole('link', { name: /^runs:/ })
        .getAttribute('href'),
    ).toBe(`/runs/${demo.runIds[2]}`)
    expect(await page.locator('.facts').first().textContent()).toContain('@production (protected)@staging')
    expect((await cells('Files')).map((row) => row[0])).toEqual(['model.pkl', 'preprocess.json', 'provena-model.json'])
    expect(await cells('Signature')).toEqual([
      ['input', 'features', 'float64', '[?, 5]'],
      ['output', 'churn_probability', 'float64', '[?]'],
    ])
    expect(await page.getByRole('list', { name: 'Requirements' }).getByRole('listitem').allTextContents()).toEqual([
      'scikit-learn==1.5.2',
      'numpy==2.1.1',
    ])
    expect(await page.locator('.facts').nth(1).textContent()).toContain('sklearn')
    const history = await cells('Alias history')
    expect(history.map((row) => row.slice(1))).toEqual([
      ['@production', 'promotion', 'v1', 'v3', 'admin', 'AUC 0.94 on validation, up from 0.88'],
      ['@staging', 'set', 'v2', 'v3', 'admin', 'better AUC on the validation set'],
    ])
    await page
      .getByRole('region', { name: 'Model card of version 3' })
      .getByRole('table', { name: 'Evaluation' })
      .waitFor()
    await page.getByRole('table', { name: 'Alias history' }).getByRole('link', { name: 'v1' }).click()
    await page.getByRole('heading', { name: `${MODEL_NAME} v1` }).waitFor()
    await page.getByRole('table', { name: 'Alias history' }).waitFor()
    expect((await cells('Alias history')).map((row) => row.slice(1, 5))).toEqual([
      ['@production', 'promotion', 'v1', 'v3'],
      ['@production', 'set', '—', 'v1'],
    ])
  })

  it('opens a model whose name needs encoding in a URL, and says when it has no versions yet', async () => {
    const name = 'Churn model (EU) #2'
    await server.provena.models.create({ name })
    await page.goto(`${server.url}/models?q=${encodeURIComponent('(EU)')}`)
    await page.getByRole('table', { name: 'Models' }).getByRole('link', { name, exact: true }).click()
    await page.getByRole('heading', { name, exact: true }).waitFor()
    expect(new URL(page.url()).pathname).toBe(`/models/${encodeURIComponent(name)}`)
    // The heading comes with the model; the versions and aliases arrive by their own requests.
    await page.getByText('This model has no versions yet.').waitFor()
    await page.getByText('No alias points at a version of this model.').waitFor()
    expect(await page.getByText('This model has no versions yet.').count()).toBe(1)
    expect(await page.getByText('A model card belongs to a version; this model has none yet.').count()).toBe(1)
    expect(await page.getByText('No alias points at a version of this model.').count()).toBe(1)
  })

  it('keeps every visible text at WCAG AA contrast in both themes', async () => {
    for (const path of ['/models', `/models/${MODEL_NAME}`, `/models/${MODEL_NAME}/3`]) {
      await page.goto(`${server.url}${path}`)
      await page.locator('table').first().waitFor()
      await page
        .getByRole('table', { name: 'Evaluation' })
        .or(page.getByRole('table', { name: 'Models' }))
        .waitFor()
      for (const theme of ['light', 'dark']) {
        await page.evaluate((t) => {
          document.documentElement.dataset.theme = t
        }, theme)
        expect(await lowContrastText(page), `${path} (${theme})`).toEqual([])
      }
    }
  })

  it('says so when a model or version does not exist', async () => {
    await page.goto(`${server.url}/models/no-such-model`)
    expect(await page.getByRole('alert').textContent()).toMatch(/^Could not load the model no-such-model: .*not/)
    await page.goto(`${server.url}/models/${MODEL_NAME}/9`)
    expect(await page.getByRole('alert').textContent()).toMatch(
      new RegExp(`^Could not load ${MODEL_NAME} version 9: .*not`),
    )
    // The browser logs the 404 answers; they were expected.
    pageErrors.splice(0, pageErrors.length, ...pageErrors.filter((e) => !e.includes('404')))
  })

  it('raised no error in the page', () => {
    expect(pageErrors).toEqual([])
  })
})
