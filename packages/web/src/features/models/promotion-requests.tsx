import type { PromotionRequest } from '@provena/contract'
import { useState } from 'react'
import { ErrorMessage } from '../../components/error-message'
import { formatTime } from '../../components/format'
import { Link } from '../../components/link'
import { paths } from '../../routes'
import { useDecidePromotion, usePendingPromotions } from './models-queries'

function RequestRow({ name, request }: { name: string; request: PromotionRequest }) {
  const [comment, setComment] = useState('')
  const decide = useDecidePromotion(name)
  const label = `v${request.version} → @${request.alias}`
  return (
    <tr data-request-id={request.id}>
      <td>
        <Link href={paths.modelVersion(name, request.version)}>v{request.version}</Link> → @{request.alias}
      </td>
      <td className="card-text">{request.reason}</td>
      <td>{request.requestedBy}</td>
      <td>{formatTime(request.requestedAtMs)}</td>
      <td>
        <div className="decision">
          <input
            type="text"
            value={comment}
            onChange={(e) => setComment(e.target.value)}
            placeholder="comment (optional)"
            aria-label={`Comment on ${label}`}
          />
          <button
            type="button"
            className="primary"
            disabled={decide.isPending}
            onClick={() => decide.mutate({ requestId: request.id, decision: 'approve', comment })}
            aria-label={`Approve ${label}`}
          >
            Approve
          </button>
          <button
            type="button"
            disabled={decide.isPending}
            onClick={() => decide.mutate({ requestId: request.id, decision: 'reject', comment })}
            aria-label={`Reject ${label}`}
          >
            Reject
          </button>
        </div>
        {decide.error ? <ErrorMessage error={decide.error} what={`Could not decide ${label}`} /> : null}
      </td>
    </tr>
  )
}

/** A model's pending promotion requests, each with Approve and Reject (MANAGE, not the requester). */
export function PromotionRequests({ name }: { name: string }) {
  const requests = usePendingPromotions(name)
  if (requests.error) return <ErrorMessage error={requests.error} what="Could not list the promotion requests" />
  if (!requests.data) return <p className="muted">Loading…</p>
  if (requests.data.length === 0) return <p className="empty">No promotion request is waiting.</p>
  return (
    <div className="table-scroll">
      <table className="plain-table" aria-label="Pending promotion requests">
        <thead>
          <tr>
            <th scope="col">Promotion</th>
            <th scope="col">Reason</th>
            <th scope="col">Requested by</th>
            <th scope="col">Requested</th>
            <th scope="col">Decision</th>
          </tr>
        </thead>
        <tbody>
          {requests.data.map((request) => (
            <RequestRow key={request.id} name={name} request={request} />
          ))}
        </tbody>
      </table>
    </div>
  )
}
