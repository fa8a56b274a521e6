import type { ModelVersion, RegisteredModel } from '@provena/contract'
import { useId } from 'react'
import { ErrorMessage } from '../../components/error-message'
import { formatBytes, formatTime } from '../../components/format'
import { Link } from '../../components/link'
import { decodeModelView, encodeModelView } from '../../navigation/url-state'
import { useUrlState } from '../../navigation/use-location'
import { paths } from '../../routes'
import { AliasBadges } from './alias-badges'
import { ModelCardView } from './model-card-view'
import { useModel, useModelCard, useModelVersions } from './models-queries'
import { PromotionRequests } from './promotion-requests'
import { SourceLink } from './source-link'

function VersionRow({ version, model }: { version: ModelVersion; model: RegisteredModel }) {
  return (
    <tr>
      <td className="numeric">
        <Link href={paths.modelVersion(version.modelName, version.version)}>v{version.version}</Link>
      </td>
      <td>
        <AliasBadges aliases={version.aliases} protectedAliases={model.protectedAliases} />
      </td>
      <td className="numeric">{version.fileCount}</td>
      <td className="numeric">{formatBytes(version.sizeBytes)}</td>
      <td>{formatTime(version.createdAtMs)}</td>
      <td>{version.createdBy ?? '—'}</td>
      <td>
        <SourceLink source={version.source} />
      </td>
    </tr>
  )
}

function AliasTable({ model }: { model: RegisteredModel }) {
  const aliases = Object.entries(model.aliases).sort(([a], [b]) => a.localeCompare(b))
  if (aliases.length === 0) return <p className="empty">No alias points at a version of this model.</p>
  return (
    <table className="plain-table compact" aria-label="Aliases">
      <thead>
        <tr>
          <th scope="col">Alias</th>
          <th scope="col">Version</th>
          <th scope="col">Protected</th>
        </tr>
      </thead>
      <tbody>
        {aliases.map(([alias, version]) => (
          <tr key={alias}>
            <th scope="row">@{alias}</th>
            <td className="numeric">
              <Link href={paths.modelVersion(model.name, version)}>v{version}</Link>
            </td>
            <td>
              {model.protectedAliases.includes(alias) ? <span className="badge badge-protected">protected</span> : 'no'}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

function CardSection({ name, versions, chosen }: { name: string; versions: number[]; chosen: number | null }) {
  const [, setState] = useUrlState(decodeModelView, encodeModelView)
  const card = useModelCard(name, chosen)
  const selectId = useId()
  return (
    <>
      <div className="toolbar">
        <label htmlFor={selectId}>Model card of</label>
        <select
          id={selectId}
          value={chosen ?? ''}
          onChange={(e) => setState(() => ({ cardVersion: e.target.value === '' ? null : Number(e.target.value) }))}
        >
          {versions.map((v) => (
            <option key={v} value={v}>
              v{v}
            </option>
          ))}
        </select>
        {chosen === null ? null : <Link href={paths.modelVersion(name, chosen)}>open v{chosen}</Link>}
      </div>
      {card.error ? <ErrorMessage error={card.error} what="Could not load the model card" /> : null}
      {card.data ? <ModelCardView card={card.data} /> : chosen === null ? null : <p className="muted">Loading…</p>}
    </>
  )
}

/** One registered model: its aliases, pending promotion requests, versions newest first, and a model card. */
export function ModelPage({ name }: { name: string }) {
  const [state] = useUrlState(decodeModelView, encodeModelView)
  const model = useModel(name)
  const versions = useModelVersions(name)
  const rows = versions.data?.pages.flatMap((page) => page.versions) ?? []
  const error = model.error ?? versions.error
  if (error) return <ErrorMessage error={error} what={`Could not load the model ${name}`} />
  if (!model.data) return <p className="muted">Loading…</p>
  const data = model.data
  const cardVersion = state.cardVersion ?? data.latestVersion
  return (
    <section className="page">
      <div className="page-header">
        <h1>{name}</h1>
        <Link href={paths.models()}>← all models</Link>
      </div>
      {data.description ? <p>{data.description}</p> : null}
      <h2>Aliases</h2>
      <AliasTable model={data} />
      <h2>Pending promotion requests</h2>
      <PromotionRequests name={name} />
      <h2>Versions</h2>
      <div className="table-scroll wide">
        <table className="plain-table" aria-label="Versions">
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Aliases</th>
              <th scope="col">Files</th>
              <th scope="col">Size</th>
              <th scope="col">Created</th>
              <th scope="col">By</th>
              <th scope="col">Source</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((version) => (
              <VersionRow key={version.version} version={version} model={data} />
            ))}
          </tbody>
        </table>
      </div>
      {versions.isPending ? <p className="muted">Loading…</p> : null}
      {!versions.isPending && rows.length === 0 ? <p className="empty">This model has no versions yet.</p> : null}
      {versions.hasNextPage ? (
        <button type="button" onClick={() => versions.fetchNextPage()} disabled={versions.isFetchingNextPage}>
          Load more
        </button>
      ) : null}
      <h2>Model card</h2>
      {cardVersion === null ? (
        <p className="empty">A model card belongs to a version; this model has none yet.</p>
      ) : (
        <CardSection
          name={name}
          versions={[...new Set([cardVersion, ...rows.map((v) => v.version)])].sort((a, b) => b - a)}
          chosen={cardVersion}
        />
      )}
    </section>
  )
}
