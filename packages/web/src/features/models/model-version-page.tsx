import type { AliasEvent, ModelManifest, ModelVersion } from '@provena/contract'
import { ErrorMessage } from '../../components/error-message'
import { formatBytes, formatTime } from '../../components/format'
import { Link } from '../../components/link'
import { paths } from '../../routes'
import { lineageRefs } from '../lineage/lineage-graph'
import { AliasBadges } from './alias-badges'
import { ModelCardView } from './model-card-view'
import { useAliasHistory, useModel, useModelCard, useModelFiles, useModelVersion } from './models-queries'
import { SourceLink } from './source-link'

function Summary({ version, protectedAliases }: { version: ModelVersion; protectedAliases: string[] }) {
  return (
    <dl className="facts">
      <dt>Source</dt>
      <dd>
        <SourceLink source={version.source} />
      </dd>
      <dt>Digest</dt>
      <dd>
        <code className="digest">{version.digest}</code>
      </dd>
      <dt>Aliases</dt>
      <dd>
        <AliasBadges aliases={version.aliases} protectedAliases={protectedAliases} />
      </dd>
      <dt>Status</dt>
      <dd>
        {version.status}, stage {version.stage}
      </dd>
      <dt>Files</dt>
      <dd>
        {version.fileCount.toLocaleString()} ({formatBytes(version.sizeBytes)})
      </dd>
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

function shape(dims: number[] | undefined) {
  return dims === undefined ? '—' : `[${dims.map((d) => (d === -1 ? '?' : String(d))).join(', ')}]`
}

function Manifest({ manifest }: { manifest: ModelManifest }) {
  const tensors = manifest.signature
    ? [
        ...manifest.signature.inputs.map((t, i) => ({ ...t, direction: 'input', id: `input-${i}` })),
        ...manifest.signature.outputs.map((t, i) => ({ ...t, direction: 'output', id: `output-${i}` })),
      ]
    : []
  return (
    <>
      <dl className="facts">
        <dt>Framework</dt>
        <dd>{manifest.framework}</dd>
        <dt>Requirements</dt>
        <dd>
          {manifest.requirements.length === 0 ? (
            '—'
          ) : (
            <ul className="requirements" aria-label="Requirements">
              {manifest.requirements.map((r) => (
                <li key={r}>
                  <code>{r}</code>
                </li>
              ))}
            </ul>
          )}
        </dd>
        <dt>Input example</dt>
        <dd>{manifest.inputExample ?? '—'}</dd>
      </dl>
      <h3>Signature</h3>
      {manifest.signature === null ? (
        <p className="muted">No signature was given.</p>
      ) : (
        <table className="plain-table compact" aria-label="Signature">
          <thead>
            <tr>
              <th scope="col">Direction</th>
              <th scope="col">Name</th>
              <th scope="col">Type</th>
              <th scope="col">Shape</th>
            </tr>
          </thead>
          <tbody>
            {tensors.map((t) => (
              <tr key={t.id}>
                <td>{t.direction}</td>
                <td>{t.name ?? '—'}</td>
                <td>
                  <code>{t.type}</code>
                </td>
                <td className="numeric">{shape(t.shape)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  )
}

function Files({ files }: { files: ReturnType<typeof useModelFiles> }) {
  if (files.error) return <ErrorMessage error={files.error} what="Could not list the files" />
  if (!files.data) return <p className="muted">Loading…</p>
  return (
    <div className="table-scroll">
      <table className="plain-table" aria-label="Files">
        <thead>
          <tr>
            <th scope="col">Path</th>
            <th scope="col">Size</th>
            <th scope="col">sha256</th>
          </tr>
        </thead>
        <tbody>
          {files.data.map((file) => (
            <tr key={file.path}>
              <td className="value-cell">{file.path}</td>
              <td className="numeric">{formatBytes(file.sizeBytes)}</td>
              <td>
                <code>{file.sha256}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

function versionCell(version: number | null, name: string, current: number) {
  if (version === null) return '—'
  if (version === current) return <strong>v{version}</strong>
  return <Link href={paths.modelVersion(name, version)}>v{version}</Link>
}

function AliasMoves({
  name,
  version,
  history,
}: {
  name: string
  version: number
  history: ReturnType<typeof useAliasHistory>
}) {
  if (history.error) return <ErrorMessage error={history.error} what="Could not load the alias history" />
  if (!history.data) return <p className="muted">Loading…</p>
  const events: AliasEvent[] = history.data.pages
    .flatMap((page) => page.events)
    .filter((e) => e.fromVersion === version || e.toVersion === version)
  return (
    <>
      {events.length === 0 ? (
        <p className="empty">No alias has moved to or from this version.</p>
      ) : (
        <div className="table-scroll">
          <table className="plain-table" aria-label="Alias history">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Alias</th>
                <th scope="col">Kind</th>
                <th scope="col">From</th>
                <th scope="col">To</th>
                <th scope="col">By</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.seq}>
                  <td>{formatTime(e.atMs)}</td>
                  <td>@{e.alias}</td>
                  <td>{e.kind}</td>
                  <td className="numeric">{versionCell(e.fromVersion, name, version)}</td>
                  <td className="numeric">{versionCell(e.toVersion, name, version)}</td>
                  <td>{e.actor}</td>
                  <td className="card-text">{e.reason ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {history.hasNextPage ? (
        <button type="button" onClick={() => history.fetchNextPage()} disabled={history.isFetchingNextPage}>
          Load older moves
        </button>
      ) : null}
    </>
  )
}

/** One version of a model: where it came from, its files and manifest, aliases, card and alias moves. */
export function ModelVersionPage({ name, version }: { name: string; version: number }) {
  const query = useModelVersion(name, version)
  // Asked for with the version, not after it arrives: the answers come in parallel.
  const model = useModel(name)
  const files = useModelFiles(name, version)
  const card = useModelCard(name, version)
  const history = useAliasHistory(name)
  if (query.error) return <ErrorMessage error={query.error} what={`Could not load ${name} version ${version}`} />
  if (!query.data) return <p className="muted">Loading…</p>
  const data = query.data
  return (
    <section className="page">
      <div className="page-header">
        <h1>
          {name} <span className="muted">v{version}</span>
        </h1>
        <Link href={paths.model(name)}>← versions of {name}</Link>
        <Link href={paths.lineage({ ref: lineageRefs.modelVersion(name, version) })}>Lineage</Link>
      </div>
      <Summary version={data} protectedAliases={model.data?.protectedAliases ?? []} />
      <h2>Manifest</h2>
      {data.manifest ? (
        <Manifest manifest={data.manifest} />
      ) : (
        <p className="muted">This version has no provena-model.json (it was not logged with logModel).</p>
      )}
      <h2>Files</h2>
      <Files files={files} />
      <h2>Alias history</h2>
      <AliasMoves name={name} version={version} history={history} />
      <h2>Model card</h2>
      {card.error ? <ErrorMessage error={card.error} what="Could not load the model card" /> : null}
      {card.data ? <ModelCardView card={card.data} /> : card.error ? null : <p className="muted">Loading…</p>}
    </section>
  )
}
