import { decodeMetricValue, type ModelCard } from '@provena/contract'
import { formatNumber, formatTime, shortDigest } from '../../components/format'
import { Link } from '../../components/link'
import { paths } from '../../routes'

/** `customers@2` as the dataset version page it names (the name may not contain `@`). */
function datasetLink(text: string) {
  const at = text.lastIndexOf('@')
  const version = Number(text.slice(at + 1))
  if (at <= 0 || !Number.isInteger(version) || version < 1) return <span>{text}</span>
  return <Link href={paths.datasetVersion(text.slice(0, at), version)}>{text}</Link>
}

/** A written part of the card, as its author wrote it (line breaks kept). */
function Written({ title, text }: { title: string; text: string | null }) {
  return (
    <>
      <h3>{title}</h3>
      {text === null || text.trim() === '' ? (
        <p className="muted">Not written yet.</p>
      ) : (
        <p className="card-text">{text}</p>
      )}
    </>
  )
}

/**
 * A version's model card: the parts people wrote, and the training data and evaluation Provena
 * filled in from the source run.
 */
export function ModelCardView({ card }: { card: ModelCard }) {
  return (
    <section className="model-card" aria-label={`Model card of version ${card.version}`}>
      <dl className="facts">
        <dt>Owners</dt>
        <dd>{card.owners.length === 0 ? '—' : card.owners.join(', ')}</dd>
        <dt>Last edited</dt>
        <dd>
          {card.updatedAtMs === null
            ? 'never'
            : `${formatTime(card.updatedAtMs)}${card.updatedBy ? ` by ${card.updatedBy}` : ''}`}
        </dd>
      </dl>
      <Written title="Intended use" text={card.intendedUse} />
      <Written title="Out-of-scope use" text={card.outOfScopeUse} />
      <h3>Training data</h3>
      {card.trainingData.length === 0 ? (
        <p className="muted">The source run recorded no dataset inputs.</p>
      ) : (
        <div className="table-scroll">
          <table className="plain-table" aria-label="Training data">
            <thead>
              <tr>
                <th scope="col">Dataset</th>
                <th scope="col">Context</th>
                <th scope="col">Rows</th>
                <th scope="col">Digest</th>
                <th scope="col">Source</th>
              </tr>
            </thead>
            <tbody>
              {card.trainingData.map((input) => (
                <tr key={`${input.dataset}|${input.context}`}>
                  <td>{datasetLink(input.dataset)}</td>
                  <td>{input.context || '—'}</td>
                  <td className="numeric">{input.rowCount === null ? '—' : input.rowCount.toLocaleString()}</td>
                  <td>
                    <code title={input.digest}>{shortDigest(input.digest)}</code>
                  </td>
                  <td className="value-cell">{input.source}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h3>Evaluation</h3>
      {card.evaluation.length === 0 ? (
        <p className="muted">The source run logged no metrics.</p>
      ) : (
        <table className="plain-table compact" aria-label="Evaluation">
          <thead>
            <tr>
              <th scope="col">Metric</th>
              <th scope="col">Value</th>
              <th scope="col">Step</th>
            </tr>
          </thead>
          <tbody>
            {card.evaluation.map((metric) => (
              <tr key={metric.key}>
                <th scope="row">{metric.key}</th>
                <td className="numeric">{formatNumber(decodeMetricValue(metric.value))}</td>
                <td className="numeric">{metric.step}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Written title="Limitations" text={card.limitations} />
      <Written title="Ethical considerations" text={card.ethicalConsiderations} />
      {card.markdown ? <Written title="Notes" text={card.markdown} /> : null}
    </section>
  )
}
