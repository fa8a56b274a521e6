import { ErrorMessage } from '../../components/error-message'
import { formatTime } from '../../components/format'
import { Link } from '../../components/link'
import { decodeDatasetsView, encodeDatasetsView } from '../../navigation/url-state'
import { useUrlState } from '../../navigation/use-location'
import { paths } from '../../routes'
import { useDatasetList } from './datasets-queries'

/** Every dataset: its latest version and how many versions it has; search by name. */
export function DatasetsPage() {
  const [state, setState] = useUrlState(decodeDatasetsView, encodeDatasetsView)
  const list = useDatasetList(state.search)
  const datasets = list.data?.pages.flatMap((page) => page.datasets) ?? []
  return (
    <section className="page">
      <div className="page-header">
        <h1>Datasets</h1>
      </div>
      <div className="toolbar">
        <label>
          Search
          <input
            type="search"
            value={state.search}
            onChange={(e) => setState(() => ({ search: e.target.value }))}
            placeholder="name contains…"
          />
        </label>
      </div>
      {list.error ? <ErrorMessage error={list.error} what="Could not list datasets" /> : null}
      <table className="plain-table" aria-label="Datasets">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Latest version</th>
            <th scope="col">Versions</th>
            <th scope="col">Description</th>
            <th scope="col">Created</th>
            <th scope="col">By</th>
          </tr>
        </thead>
        <tbody>
          {datasets.map((dataset) => (
            <tr key={dataset.id}>
              <td>
                <Link href={paths.dataset(dataset.name)}>{dataset.name}</Link>
              </td>
              <td className="numeric">
                {dataset.latestVersion === null ? (
                  '—'
                ) : (
                  <Link
                    href={paths.datasetVersion(dataset.name, dataset.latestVersion)}
                    aria-label={`${dataset.name} version ${dataset.latestVersion}`}
                  >
                    v{dataset.latestVersion}
                  </Link>
                )}
              </td>
              <td className="numeric">{dataset.versionCount}</td>
              <td className="muted">{dataset.description ?? ''}</td>
              <td>{formatTime(dataset.createdAtMs)}</td>
              <td>{dataset.createdBy ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.isPending ? <p className="muted">Loading…</p> : null}
      {!list.isPending && datasets.length === 0 ? (
        <p className="empty">
          No datasets{state.search === '' ? '' : ' match'}. Register one with{' '}
          <code>provena data add &lt;path&gt; --name &lt;name&gt;</code>.
        </p>
      ) : null}
      {list.hasNextPage ? (
        <button type="button" onClick={() => list.fetchNextPage()} disabled={list.isFetchingNextPage}>
          Load more
        </button>
      ) : null}
    </section>
  )
}
