import { useQuery } from '@tanstack/react-query'
import { useProvena } from '../../api/provena-context'
import { ErrorMessage } from '../../components/error-message'
import { formatBytes, shortDigest } from '../../components/format'

/** The URL a file downloads from: the run's artifact route, each path segment encoded on its own. */
function downloadUrl(runId: string, path: string): string {
  return `/api/v1/runs/${runId}/artifacts/${path.split('/').map(encodeURIComponent).join('/')}`
}

/**
 * The artifact files of a run, one directory at a time: folders open in place (the directory is
 * kept in the URL), files download from the server, which checks their sha256 as it sends them.
 */
export function ArtifactsTab({ runId, dir, onOpen }: { runId: string; dir: string; onOpen(dir: string): void }) {
  const provena = useProvena()
  const listing = useQuery({
    queryKey: ['runs', runId, 'artifacts', dir],
    queryFn: () => provena.artifacts.listAll(runId, dir),
  })
  const segments = dir === '' ? [] : dir.split('/')
  return (
    <div className="artifacts">
      <nav aria-label="Artifact folder" className="breadcrumbs">
        <button type="button" className="link-button" onClick={() => onOpen('')} disabled={dir === ''}>
          artifacts
        </button>
        {segments.map((segment, i) => (
          <span key={segments.slice(0, i + 1).join('/')}>
            {' / '}
            <button
              type="button"
              className="link-button"
              onClick={() => onOpen(segments.slice(0, i + 1).join('/'))}
              disabled={i === segments.length - 1}
            >
              {segment}
            </button>
          </span>
        ))}
      </nav>
      {listing.error ? <ErrorMessage error={listing.error} what="Could not list the artifacts" /> : null}
      {listing.data === undefined && !listing.error ? <p className="muted">Loading…</p> : null}
      {listing.data?.length === 0 ? (
        <p className="empty">{dir === '' ? 'This run has no artifacts.' : 'This folder is empty.'}</p>
      ) : null}
      {listing.data && listing.data.length > 0 ? (
        <table className="plain-table" aria-label="Artifacts">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Size</th>
              <th scope="col">sha256</th>
            </tr>
          </thead>
          <tbody>
            {listing.data.map((entry) => (
              <tr key={entry.path}>
                <td>
                  {entry.isDir ? (
                    <button type="button" className="link-button" onClick={() => onOpen(entry.path)}>
                      {entry.name}/
                    </button>
                  ) : (
                    <a href={downloadUrl(runId, entry.path)} download={entry.name}>
                      {entry.name}
                    </a>
                  )}
                </td>
                <td>{entry.sizeBytes === null ? '' : formatBytes(entry.sizeBytes)}</td>
                <td>{entry.sha256 === null ? '' : <code title={entry.sha256}>{shortDigest(entry.sha256)}</code>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  )
}
