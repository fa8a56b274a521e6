import { AppError } from '@provena/sdk'

/** A failed request, said in words; the server's message is meant for people. */
export function ErrorMessage({ error, what }: { error: unknown; what?: string }) {
  const message = error instanceof AppError || error instanceof Error ? error.message : String(error)
  return (
    <div className="error" role="alert">
      {what ? `${what}: ` : ''}
      {message}
    </div>
  )
}
