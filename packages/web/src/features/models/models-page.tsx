import { ErrorMessage } from '../../components/error-message'
import { formatTime } from '../../components/format'
import { Link } from '../../components/link'
import { decodeModelsView, encodeModelsView } from '../../navigation/url-state'
import { useUrlState } from '../../navigation/use-location'
import { paths } from '../../routes'
import { AliasBadges } from './alias-badges'
import { useModelList } from './models-queries'

/** Every registered model: its latest version, its aliases and description; search by name. */
export function ModelsPage() {
  const [state, setState] = useUrlState(decodeModelsView, encodeModelsView)
  const list = useModelList(state.search)
  const models = list.data?.pages.flatMap((page) => page.models) ?? []
  return (
    <section className="page">
      <div className="page-header">
        <h1>Models</h1>
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
      {list.error ? <ErrorMessage error={list.error} what="Could not list models" /> : null}
      <table className="plain-table" aria-label="Models">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Latest version</th>
            <th scope="col">Aliases</th>
            <th scope="col">Description</th>
            <th scope="col">Updated</th>
          </tr>
        </thead>
        <tbody>
          {models.map((model) => (
            <tr key={model.name}>
              <td>
                <Link href={paths.model(model.name)}>{model.name}</Link>
              </td>
              <td className="numeric">
                {model.latestVersion === null ? (
                  '—'
                ) : (
                  <Link
                    href={paths.modelVersion(model.name, model.latestVersion)}
                    aria-label={`${model.name} version ${model.latestVersion}`}
                  >
                    v{model.latestVersion}
                  </Link>
                )}
              </td>
              <td>
                <AliasBadges aliases={Object.keys(model.aliases)} protectedAliases={model.protectedAliases} />
              </td>
              <td className="muted">{model.description ?? ''}</td>
              <td>{formatTime(model.updatedAtMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.isPending ? <p className="muted">Loading…</p> : null}
      {!list.isPending && models.length === 0 ? (
        <p className="empty">
          No models{state.search === '' ? '' : ' match'}. Register one with{' '}
          <code>provena models register &lt;name&gt; runs:/&lt;run-id&gt;/model</code>.
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
