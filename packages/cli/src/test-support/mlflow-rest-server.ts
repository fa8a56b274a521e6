import { randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'

/*
 * A tiny MLflow tracking server: the few REST API 2.0 answers an import reads, shaped as MLflow's
 * public REST reference documents them (int64 fields as JSON strings, as protobuf's JSON mapping
 * writes them; NaN as the string "NaN"; lists paged with next_page_token). It stands in for a
 * real MLflow server, which cannot be installed here; it is not a mock of Provena's code.
 */

export interface MlflowRestFixture {
  url: string
  experimentName: string
  runId: string
  model: string
  /** The Authorization headers the server saw. */
  authorizations: Set<string>
  close(): Promise<void>
}

export async function startMlflowRestServer(suffix: string): Promise<MlflowRestFixture> {
  const runId = randomBytes(16).toString('hex')
  const experimentName = `mlflow-server-${suffix}`
  const model = `ranker-${suffix}`
  const artifactUri = `mlflow-artifacts:/5/${runId}/artifacts`
  const run = {
    info: {
      run_id: runId,
      run_uuid: runId,
      run_name: 'bert-finetune',
      experiment_id: '5',
      user_id: 'carol',
      status: 'FINISHED',
      start_time: '1710000000000',
      end_time: '1710000600000',
      artifact_uri: artifactUri,
      lifecycle_stage: 'active',
    },
    data: {
      metrics: [{ key: 'f1', value: 0.9, timestamp: '1710000500000', step: '2' }],
      params: [{ key: 'epochs', value: '3' }],
      tags: [
        { key: 'mlflow.runName', value: 'bert-finetune' },
        { key: 'mlflow.user', value: 'carol' },
      ],
    },
    inputs: {
      dataset_inputs: [
        {
          tags: [{ key: 'mlflow.data.context', value: 'eval' }],
          dataset: { name: 'reviews', digest: '9f8e7d6c', source_type: 'http', source: '{"url": "https://x/r.csv"}' },
        },
      ],
    },
  }
  const history = [
    { key: 'f1', value: 0.5, timestamp: '1710000100000', step: '0' },
    { key: 'f1', value: 'NaN', timestamp: '1710000200000', step: '1' },
    { key: 'f1', value: 0.9, timestamp: '1710000500000', step: '2' },
  ]
  const files: Record<string, string> = { 'model/MLmodel': 'flavors: {}\n', 'notes.txt': 'hello' }
  const authorizations = new Set<string>()

  const answers: Record<string, (q: URLSearchParams, body: Record<string, unknown>) => unknown> = {
    // Two pages, so that paging is followed.
    'POST /api/2.0/mlflow/experiments/search': (_q, body) =>
      body.page_token === 'p2'
        ? {
            experiments: [
              {
                experiment_id: '5',
                name: experimentName,
                artifact_location: 'mlflow-artifacts:/5',
                lifecycle_stage: 'active',
                creation_time: '1709999000000',
                last_update_time: '1709999500000',
                tags: [{ key: 'team', value: 'nlp' }],
              },
            ],
          }
        : {
            experiments: [
              {
                experiment_id: '0',
                name: 'Default',
                artifact_location: 'mlflow-artifacts:/0',
                lifecycle_stage: 'active',
                creation_time: '1700000000000',
                last_update_time: '1700000000000',
              },
            ],
            next_page_token: 'p2',
          },
    'POST /api/2.0/mlflow/runs/search': (_q, body) =>
      (body.experiment_ids as string[]).includes('5') ? { runs: [run] } : {},
    'GET /api/2.0/mlflow/runs/get': () => ({ run }),
    'GET /api/2.0/mlflow/metrics/get-history': (q) =>
      q.get('page_token') === '2'
        ? { metrics: history.slice(2) }
        : { metrics: history.slice(0, 2), next_page_token: '2' },
    'GET /api/2.0/mlflow/artifacts/list': (q) =>
      q.get('path') === 'model'
        ? { root_uri: artifactUri, files: [{ path: 'model/MLmodel', is_dir: false, file_size: '13' }] }
        : {
            root_uri: artifactUri,
            files: [
              { path: 'model', is_dir: true },
              { path: 'notes.txt', is_dir: false, file_size: '5' },
            ],
          },
    'GET /api/2.0/mlflow/registered-models/search': () => ({
      registered_models: [
        {
          name: model,
          creation_timestamp: '1710001000000',
          last_updated_timestamp: '1710002000000',
          description: 'ranks reviews',
          tags: [{ key: 'domain', value: 'nlp' }],
          aliases: [{ alias: 'prod', version: '1' }],
        },
      ],
    }),
    'GET /api/2.0/mlflow/model-versions/search': () => ({
      model_versions: [
        {
          name: model,
          version: '1',
          creation_timestamp: '1710001500000',
          last_updated_timestamp: '1710001600000',
          current_stage: 'Staging',
          description: '',
          source: `${artifactUri}/model`,
          run_id: runId,
          status: 'READY',
          user_id: 'carol',
          tags: [],
        },
      ],
    }),
  }

  const server: Server = createServer((req, res) => {
    authorizations.add(req.headers.authorization ?? '')
    const url = new URL(req.url ?? '/', 'http://localhost')
    const prefix = `/api/2.0/mlflow-artifacts/artifacts/5/${runId}/artifacts/`
    if (req.method === 'GET' && url.pathname.startsWith(prefix)) {
      const file = files[decodeURIComponent(url.pathname.slice(prefix.length))]
      res.writeHead(file === undefined ? 404 : 200, { 'content-type': 'application/octet-stream' })
      return void res.end(file ?? '')
    }
    let raw = ''
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()))
    req.on('end', () => {
      const answer = answers[`${req.method} ${url.pathname}`]
      if (!answer) {
        res.writeHead(404, { 'content-type': 'application/json' })
        return void res.end(JSON.stringify({ error_code: 'ENDPOINT_NOT_FOUND', message: 'no such endpoint' }))
      }
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify(answer(url.searchParams, raw === '' ? {} : JSON.parse(raw))))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  return {
    url: `http://127.0.0.1:${port}`,
    experimentName,
    runId,
    model,
    authorizations,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
