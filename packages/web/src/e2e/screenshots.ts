import { mkdirSync } from 'node:fs'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { launchBrowser } from '../test-support/browser.js'
import { seedDatasetDemoData } from '../test-support/dataset-demo-data.js'
import { type DemoData, seedDemoData } from '../test-support/demo-data.js'
import { MODEL_NAME, seedModelDemoData } from '../test-support/model-demo-data.js'
import { startUiServer, UI_ADMIN_PASSWORD } from '../test-support/ui-server.js'

const OUT = path.resolve(import.meta.dirname, '../../../../docs/screenshots')

describe('screenshots of the main pages', () => {
  let server: Awaited<ReturnType<typeof startUiServer>>
  let browser: Browser
  let page: Page
  let demo: DemoData

  const shoot = (name: string, fullPage = false) => page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage })
  const chartsDrawn = (count: number) =>
    page.waitForFunction((n) => document.querySelectorAll('.chart-canvas[data-drawn=true]').length >= n, count)

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true })
    server = await startUiServer()
    demo = await seedDemoData(server.provena)
    const churn = await server.provena.experiments.create({ name: 'churn-model' })
    await seedDatasetDemoData(server.provena, churn.id)
    const models = await seedModelDemoData(server.provena, server.url, churn.id)
    // More models for the list, made from the same runs' artifacts.
    for (const [name, description, alias] of [
      ['churn-baseline', 'Logistic regression baseline for churn-classifier', 'baseline'],
      ['customer-ltv', 'Expected revenue per customer over 12 months', 'staging'],
    ] as const) {
      await server.provena.models.create({ name, description })
      const version = await server.provena.models.register(name, `runs:/${models.runIds[0]}/model`)
      await server.provena.models.setAlias(name, alias, { version: version.version })
    }
    browser = await launchBrowser()
    page = await browser.newPage({ viewport: { width: 1400, height: 860 }, colorScheme: 'light' })
  })
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  it('takes them', async () => {
    await page.goto(`${server.url}/`)
    await page.getByLabel('User name').fill('admin')
    await page.getByLabel('Password').fill(UI_ADMIN_PASSWORD)
    await shoot('login')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('link', { name: 'image-classifier' }).waitFor()
    await shoot('experiments')

    const a = demo.runIds['resnet-02'] ?? ''
    const b = demo.runIds['resnet-07'] ?? ''
    const c = demo.runIds['resnet-09'] ?? ''
    const runs = `/runs?e=${demo.experiment.id}&col=metrics.accuracy&col=metrics.loss&col=params.lr&col=params.optimizer&sel=${a}&sel=${b}&sel=${c}`
    await page.goto(`${server.url}${runs}`)
    await page.waitForSelector('[role=row][data-row-id]')
    await page.getByRole('combobox', { name: 'Filter' }).pressSequentially('metrics.acc')
    await page.getByRole('listbox', { name: 'Suggestions' }).waitFor()
    await shoot('runs')
    await page.getByRole('combobox', { name: 'Filter' }).fill('metrics.accuracy >> 0.5')
    await page.locator('.filter-error').waitFor()
    await shoot('runs-filter-error')

    await page.goto(`${server.url}/runs/${demo.runIds['resnet-03']}?tab=charts&smooth=0.6`)
    await chartsDrawn(2)
    await shoot('run-charts')
    await page.goto(`${server.url}/runs/${demo.runIds['lr-sweep']}`)
    await page.locator('.facts').getByRole('link', { name: 'trial-0' }).waitFor()
    await shoot('run-overview')
    await page.goto(`${server.url}/runs/${demo.runIds['resnet-03']}?tab=artifacts&dir=model`)
    await page.getByRole('table', { name: 'Artifacts' }).getByRole('link', { name: 'weights.bin' }).waitFor()
    await shoot('run-artifacts')

    await page.goto(`${server.url}/compare?run=${a}&run=${b}&run=${c}`)
    await chartsDrawn(2)
    await shoot('compare', true)

    await page.goto(`${server.url}/datasets`)
    await page.getByRole('table', { name: 'Datasets' }).getByRole('link', { name: 'customers', exact: true }).waitFor()
    await shoot('datasets')
    await page.goto(`${server.url}/datasets/customers?sel=2&sel=1`)
    await page.getByRole('table', { name: 'Versions' }).getByRole('link', { name: 'v1' }).waitFor()
    await shoot('dataset-versions')
    await page.goto(`${server.url}/datasets/customers/2`)
    await page.locator('svg.histogram').first().waitFor()
    await shoot('dataset-version', true)
    await page.goto(`${server.url}/datasets/customers/compare?a=1&b=2`)
    await page.locator('svg.histogram[data-series="2"]').first().waitFor()
    await shoot('dataset-drift', true)

    await page.goto(`${server.url}/models`)
    await page.getByRole('table', { name: 'Models' }).getByRole('link', { name: MODEL_NAME, exact: true }).waitFor()
    await shoot('models')
    await page.goto(`${server.url}/models/${MODEL_NAME}`)
    await page.getByRole('table', { name: 'Evaluation' }).waitFor()
    await shoot('model', true)
    await page.goto(`${server.url}/models/${MODEL_NAME}/3`)
    await page.getByRole('table', { name: 'Evaluation' }).waitFor()
    await shoot('model-version', true)
    await page.goto(`${server.url}/lineage?ref=${encodeURIComponent('datasets:/customers@1')}`)
    await page.getByRole('article', { name: `model version ${MODEL_NAME} v3` }).waitFor()
    await page.getByRole('article', { name: 'run train-churn' }).getByRole('button').click()
    await page.getByRole('article', { name: 'dataset version customers@2' }).waitFor()
    await page.locator('.lineage-canvas[aria-busy=false]').waitFor()
    await shoot('lineage')

    await page.getByRole('button', { name: 'Switch to dark theme' }).click()
    await page.goto(`${server.url}/datasets/customers/compare?a=1&b=2`)
    await page.locator('svg.histogram[data-series="2"]').first().waitFor()
    await shoot('dataset-drift-dark')
    await page.goto(`${server.url}/runs/${demo.runIds['resnet-03']}?tab=charts`)
    await chartsDrawn(2)
    await shoot('run-charts-dark')
    await page.getByRole('button', { name: 'Switch to light theme' }).click()
  })
})
