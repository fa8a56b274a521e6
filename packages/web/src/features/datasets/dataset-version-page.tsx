import type { DatasetVersion } from '@provena/contract'
import { ErrorMessage } from '../../components/error-message'
import { formatBytes, formatTime } from '../../components/format'
import { Link } from '../../components/link'
import { decodeDatasetVersionView, encodeDatasetVersionView } from '../../navigation/url-state'
import { useUrlState } from '../../navigation/use-location'
import { paths } from '../../routes'
import { lineageRefs } from '../lineage/lineage-graph'
import { DatasetFiles } from './dataset-files'
import { useDatasetFiles, useDatasetVersion, useVersionRuns } from './datasets-queries'
import { ProfileView } from './profile-view'

function Summary({ version }: { version: DatasetVersion }) {
  return (
    <dl className="facts">
      <dt>Digest</dt>
      <dd>
        <code className="digest">{version.digest}</code>
      </dd>
      <dt>Source</dt>
      <dd className="value-cell">{version.source}</dd>
      <dt>Format</dt>
      <dd>{version.format}</dd>
      <dt>Files</dt>
      <dd>{version.fileCount.toLocaleString()}</dd>
      <dt>Size</dt>
      <dd>{formatBytes(version.sizeBytes)}</dd>
      <dt>Rows</dt>
      <dd>{version.rowCount === null ? '—' : version.rowCount.toLocaleString()}</dd>
      <dt>Stored</dt>
      <dd>{version.isStored ? 'yes, in the artifact store' : 'no, only the reference and digests'}</dd>
      <dt>Created</dt>
      <dd>
        {formatTime(version.createdAtMs)}
        {version.createdBy ? ` by ${version.createdBy}` : ''}
      </dd>
      <dt>Description</dt>
      <dd>{version.description ?? '—'}</dd>
    </dl>
  )
}

function VersionRuns({ runs }: { runs: ReturnType<typeof useVersionRuns> }) {
  if (runs.error) return <ErrorMessage error={runs.error} what="Could not list the runs" />
  if (!runs.data) return <p className="muted">Loading…</p>
  if (runs.data.length === 0) return <p className="empty">No run has read or produced this version.</p>
  return (
    <table className="plain-table" aria-label="Runs of this version">
      <thead>
        <tr>
          <th scope="col">Run</th>
          <th scope="col">Used as</th>
          <th scope="col">Logged</th>
        </tr>
      </thead>
      <tbody>
        {runs.data.map((run) => (
          <tr key={`${run.runId}|${run.direction}|${run.context ?? ''}`}>
            <td>
              <Link href={paths.run(run.runId)}>{run.runName}</Link>
            </td>
            <td>{run.direction === 'input' ? `input (${run.context ?? 'training'})` : 'output'}</td>
            <td>{formatTime(run.createdAtMs)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

/** One version of a dataset: summary, schema and profile with a histogram per column, its runs and files. */
export function DatasetVersionPage({ name, version }: { name: string; version: number }) {
  const [state, setState] = useUrlState(decodeDatasetVersionView, encodeDatasetVersionView)
  const query = useDatasetVersion(name, version)
  // Asked for with the version, not after it arrives: the three answers come in parallel.
  const runs = useVersionRuns(name, version)
  const files = useDatasetFiles(name, version)
  if (query.error) return <ErrorMessage error={query.error} what={`Could not load ${name} version ${version}`} />
  if (!query.data) return <p className="muted">Loading…</p>
  const data = query.data
  return (
    <section className="page">
      <div className="page-header">
        <h1>
          {name} <span className="muted">v{version}</span>
        </h1>
        <Link href={paths.dataset(name)}>← versions of {name}</Link>
        <Link href={paths.lineage({ ref: lineageRefs.datasetVersion(name, version) })}>Lineage</Link>
        {version > 1 ? (
          <Link href={paths.datasetCompare(name, { reference: version - 1, current: version })}>
            Drift from v{version - 1}
          </Link>
        ) : null}
      </div>
      <Summary version={data} />
      <h2>Schema and profile</h2>
      <ProfileView
        schema={data.schema}
        profile={data.profile}
        columnSearch={state.columnSearch}
        onColumnSearch={(columnSearch) => setState(() => ({ columnSearch }))}
      />
      <h2>Runs</h2>
      <VersionRuns runs={runs} />
      <h2>Files</h2>
      <DatasetFiles files={files} fileCount={data.fileCount} />
    </section>
  )
}
