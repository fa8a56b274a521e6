import type { DatasetVersionSummary } from '@provena/contract'
import { ErrorMessage } from '../../components/error-message'
import { formatBytes, formatTime, shortDigest } from '../../components/format'
import { Link } from '../../components/link'
import { decodeDatasetView, encodeDatasetView } from '../../navigation/url-state'
import { navigate, useUrlState } from '../../navigation/use-location'
import { paths } from '../../routes'
import { useDataset, useDatasetVersions } from './datasets-queries'

function VersionRow({
  version,
  isChecked,
  onCheck,
}: {
  version: DatasetVersionSummary
  isChecked: boolean
  onCheck: (isChecked: boolean) => void
}) {
  return (
    <tr>
      <td>
        <input
          type="checkbox"
          checked={isChecked}
          onChange={(e) => onCheck(e.target.checked)}
          aria-label={`Select version ${version.version}`}
        />
      </td>
      <td className="numeric">
        <Link href={paths.datasetVersion(version.datasetName, version.version)}>v{version.version}</Link>
      </td>
      <td className="numeric">{version.fileCount}</td>
      <td className="numeric">{formatBytes(version.sizeBytes)}</td>
      <td className="numeric">{version.rowCount === null ? '—' : version.rowCount.toLocaleString()}</td>
      <td>{version.format}</td>
      <td>{version.isStored ? 'yes' : 'no'}</td>
      <td>{formatTime(version.createdAtMs)}</td>
      <td>{version.createdBy ?? '—'}</td>
      <td>
        <code title={version.digest}>{shortDigest(version.digest)}</code>
      </td>
      <td className="value-cell">{version.source}</td>
      <td>
        {version.version > 1 ? (
          <Link
            href={paths.datasetCompare(version.datasetName, {
              reference: version.version - 1,
              current: version.version,
            })}
            aria-label={`Drift of version ${version.version} from version ${version.version - 1}`}
          >
            from v{version.version - 1}
          </Link>
        ) : (
          '—'
        )}
      </td>
    </tr>
  )
}

/** The order a comparison reads in: the older version is the reference, the newer the current one. */
function compareState(selected: number[]) {
  const [reference = null, current = null] = [...selected].sort((a, b) => a - b)
  return { reference, current }
}

/** One dataset: its versions, newest first; tick two to compare them. */
export function DatasetPage({ name }: { name: string }) {
  const [state, setState] = useUrlState(decodeDatasetView, encodeDatasetView)
  const dataset = useDataset(name)
  const versions = useDatasetVersions(name)
  const rows = versions.data?.pages.flatMap((page) => page.versions) ?? []
  const selected = state.selectedVersions
  const pair = selected.length === 2 ? compareState(selected) : null
  const error = dataset.error ?? versions.error
  if (error) return <ErrorMessage error={error} what={`Could not load the dataset ${name}`} />
  const toggle = (version: number, isOn: boolean) =>
    setState((s) => ({
      selectedVersions: isOn
        ? [...s.selectedVersions.filter((v) => v !== version), version]
        : s.selectedVersions.filter((v) => v !== version),
    }))
  return (
    <section className="page">
      <div className="page-header">
        <h1>{name}</h1>
        <Link href={paths.datasets()}>← all datasets</Link>
      </div>
      {dataset.data?.description ? <p>{dataset.data.description}</p> : null}
      <div className="toolbar">
        <button
          type="button"
          className="primary"
          disabled={pair === null}
          onClick={() => pair && navigate(paths.datasetCompare(name, pair))}
        >
          {pair ? `Compare v${pair.reference} with v${pair.current}` : 'Compare two versions'}
        </button>
        {pair ? null : <span className="muted">Tick two versions to see the drift between them.</span>}
      </div>
      <div className="table-scroll wide">
        <table className="plain-table" aria-label="Versions">
          <thead>
            <tr>
              <th scope="col">
                <span className="visually-hidden">Selected</span>
              </th>
              <th scope="col">Version</th>
              <th scope="col">Files</th>
              <th scope="col">Size</th>
              <th scope="col">Rows</th>
              <th scope="col">Format</th>
              <th scope="col">Stored</th>
              <th scope="col">Created</th>
              <th scope="col">By</th>
              <th scope="col">Digest</th>
              <th scope="col">Source</th>
              <th scope="col">Drift</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((version) => (
              <VersionRow
                key={version.id}
                version={version}
                isChecked={selected.includes(version.version)}
                onCheck={(isOn) => toggle(version.version, isOn)}
              />
            ))}
          </tbody>
        </table>
      </div>
      {versions.isPending ? <p className="muted">Loading…</p> : null}
      {!versions.isPending && rows.length === 0 ? <p className="empty">This dataset has no versions.</p> : null}
      {versions.hasNextPage ? (
        <button type="button" onClick={() => versions.fetchNextPage()} disabled={versions.isFetchingNextPage}>
          Load more
        </button>
      ) : null}
    </section>
  )
}
