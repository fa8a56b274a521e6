import type { RunDatasetLink } from '@provena/contract'
import { ErrorMessage } from '../../components/error-message'
import { shortDigest } from '../../components/format'
import { Link } from '../../components/link'
import { paths } from '../../routes'
import { useRunDatasets } from '../datasets/datasets-queries'

function LinkRow({
  link,
  direction,
  training,
}: {
  link: RunDatasetLink
  direction: 'input' | 'output'
  /** The run's training input, when it has one. */
  training: RunDatasetLink | undefined
}) {
  const { datasetVersion: v } = link
  const reference = training?.datasetVersion
  const isOtherVersionOfTraining =
    reference !== undefined && reference.datasetName === v.datasetName && reference.version !== v.version
  return (
    <tr>
      <td>
        <Link href={paths.datasetVersion(v.datasetName, v.version)}>
          {v.datasetName}@{v.version}
        </Link>
      </td>
      <td>{direction === 'input' ? `input: ${link.context ?? 'training'}` : 'output'}</td>
      <td className="numeric">{v.rowCount === null ? '—' : `${v.rowCount.toLocaleString()} rows`}</td>
      <td>
        <code title={v.digest}>{shortDigest(v.digest)}</code>
      </td>
      <td>
        {isOtherVersionOfTraining ? (
          <Link href={paths.datasetCompare(v.datasetName, { reference: reference.version, current: v.version })}>
            drift from training
          </Link>
        ) : null}
      </td>
    </tr>
  )
}

/**
 * The dataset versions a run read (with the context it read them in) and produced, linked to
 * their pages; another version of the dataset it trained on links to the drift from that one.
 */
export function RunDatasets({ runId }: { runId: string }) {
  const datasets = useRunDatasets(runId)
  if (datasets.error) return <ErrorMessage error={datasets.error} what="Could not load the run's datasets" />
  if (!datasets.data) return <p className="muted">Loading…</p>
  const { inputs, outputs } = datasets.data
  const training = inputs.find((link) => link.context === 'training')
  if (inputs.length + outputs.length === 0) return <p className="empty">None.</p>
  return (
    <table className="plain-table" aria-label="Datasets">
      <thead>
        <tr>
          <th scope="col">Version</th>
          <th scope="col">Used as</th>
          <th scope="col">Rows</th>
          <th scope="col">Digest</th>
          <th scope="col">
            <span className="visually-hidden">Drift</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {inputs.map((link) => (
          <LinkRow
            key={`in|${link.datasetVersion.id}|${link.context}`}
            link={link}
            direction="input"
            training={training}
          />
        ))}
        {outputs.map((link) => (
          <LinkRow key={`out|${link.datasetVersion.id}`} link={link} direction="output" training={training} />
        ))}
      </tbody>
    </table>
  )
}
