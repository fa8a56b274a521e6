import { parseRunsUri } from '@provena/contract'
import { Link } from '../../components/link'
import { paths } from '../../routes'

/** `runs:/<id>/<path>` as a link to the run, with the path after it. */
export function SourceLink({ source }: { source: string }) {
  const parsed = parseRunsUri(source)
  if (!parsed) return <span className="value-cell">{source}</span>
  return (
    <span className="value-cell">
      <Link href={paths.run(parsed.runId)} title={`run ${parsed.runId}`}>
        runs:/{parsed.runId.slice(0, 8)}…
      </Link>
      /{parsed.path}
    </span>
  )
}
