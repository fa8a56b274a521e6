import type { Experiment, ViewType } from '@provena/sdk'
import { type FormEvent, useState } from 'react'
import { ErrorMessage } from '../../components/error-message'
import { formatTime } from '../../components/format'
import { Link } from '../../components/link'
import { navigate, useUrlState } from '../../navigation/use-location'
import { paths } from '../../routes'
import { useExperimentList, useExperimentMutations } from './experiments-queries'

interface ExperimentsViewState {
  search: string
  view: ViewType
}

const decode = (query: URLSearchParams): ExperimentsViewState => ({
  search: query.get('q') ?? '',
  view: query.get('view') === 'deleted' ? 'deleted' : 'active',
})
const encode = (state: ExperimentsViewState) => {
  const query = new URLSearchParams()
  if (state.search !== '') query.set('q', state.search)
  if (state.view !== 'active') query.set('view', state.view)
  const text = query.toString()
  return text === '' ? '' : `?${text}`
}

function CreateExperimentForm() {
  const { create } = useExperimentMutations()
  const [name, setName] = useState('')
  function submit(event: FormEvent) {
    event.preventDefault()
    create.mutate({ name }, { onSuccess: () => setName('') })
  }
  return (
    <form className="inline-form" onSubmit={submit}>
      <label>
        New experiment
        <input value={name} onChange={(e) => setName(e.target.value)} placeholder="name" required />
      </label>
      <button type="submit" className="primary" disabled={create.isPending}>
        Create
      </button>
      {create.error ? <ErrorMessage error={create.error} /> : null}
    </form>
  )
}

function ExperimentRow({
  experiment,
  isChecked,
  onCheck,
}: {
  experiment: Experiment
  isChecked: boolean
  onCheck: (checked: boolean) => void
}) {
  const { rename, remove, restore } = useExperimentMutations()
  const [draft, setDraft] = useState<string | null>(null)
  const isDeleted = experiment.lifecycle === 'deleted'
  function saveName(event: FormEvent) {
    event.preventDefault()
    if (draft === null) return
    rename.mutate({ id: experiment.id, name: draft }, { onSuccess: () => setDraft(null) })
  }
  const failure = rename.error ?? remove.error ?? restore.error
  return (
    <tr>
      <td>
        <input
          type="checkbox"
          checked={isChecked}
          onChange={(e) => onCheck(e.target.checked)}
          aria-label={`Select experiment ${experiment.name}`}
        />
      </td>
      <td className="numeric">{experiment.id}</td>
      <td>
        {draft === null ? (
          <Link href={paths.runs({ experimentIds: [experiment.id] })}>{experiment.name}</Link>
        ) : (
          <form className="inline-form" onSubmit={saveName}>
            <input
              aria-label={`New name of ${experiment.name}`}
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
              // biome-ignore lint/a11y/noAutofocus: the field appears because the user asked to rename
              autoFocus
            />
            <button type="submit" className="primary">
              Save
            </button>
            <button type="button" onClick={() => setDraft(null)}>
              Cancel
            </button>
          </form>
        )}
        {failure ? <ErrorMessage error={failure} /> : null}
      </td>
      <td className="muted">{experiment.description ?? ''}</td>
      <td>{formatTime(experiment.createdAtMs)}</td>
      <td>
        <div className="actions">
          {isDeleted ? (
            <button type="button" onClick={() => restore.mutate(experiment)}>
              Restore
            </button>
          ) : (
            <>
              <button type="button" onClick={() => setDraft(experiment.name)} aria-label={`Rename ${experiment.name}`}>
                Rename
              </button>
              <button
                type="button"
                className="danger"
                onClick={() => remove.mutate(experiment)}
                aria-label={`Delete ${experiment.name}`}
              >
                Delete
              </button>
            </>
          )}
        </div>
      </td>
    </tr>
  )
}

/** Every experiment the user may read: search, create, rename, delete and restore. */
export function ExperimentsPage() {
  const [state, setState] = useUrlState(decode, encode)
  const list = useExperimentList(state.search, state.view)
  const [checked, setChecked] = useState<string[]>([])
  const experiments = list.data?.pages.flatMap((page) => page.experiments) ?? []

  return (
    <section className="page">
      <div className="page-header">
        <h1>Experiments</h1>
        <CreateExperimentForm />
      </div>
      <div className="toolbar">
        <label>
          Search
          <input
            type="search"
            value={state.search}
            onChange={(e) => setState((s) => ({ ...s, search: e.target.value }))}
            placeholder="name contains…"
          />
        </label>
        <label>
          Show
          <select
            value={state.view}
            onChange={(e) => setState((s) => ({ ...s, view: e.target.value === 'deleted' ? 'deleted' : 'active' }))}
          >
            <option value="active">active</option>
            <option value="deleted">deleted</option>
          </select>
        </label>
        <button
          type="button"
          className="primary"
          disabled={checked.length === 0}
          onClick={() => navigate(paths.runs({ experimentIds: checked }))}
        >
          Runs of {checked.length} selected
        </button>
      </div>
      {list.error ? <ErrorMessage error={list.error} what="Could not list experiments" /> : null}
      <table className="plain-table" aria-label="Experiments">
        <thead>
          <tr>
            <th scope="col">
              <span className="visually-hidden">Selected</span>
            </th>
            <th scope="col">Id</th>
            <th scope="col">Name</th>
            <th scope="col">Description</th>
            <th scope="col">Created</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {experiments.map((experiment) => (
            <ExperimentRow
              key={experiment.id}
              experiment={experiment}
              isChecked={checked.includes(experiment.id)}
              onCheck={(isOn) =>
                setChecked((c) => (isOn ? [...c, experiment.id] : c.filter((id) => id !== experiment.id)))
              }
            />
          ))}
        </tbody>
      </table>
      {list.isPending ? <p className="muted">Loading…</p> : null}
      {!list.isPending && experiments.length === 0 ? <p className="empty">No experiments.</p> : null}
      {list.hasNextPage ? (
        <button type="button" onClick={() => list.fetchNextPage()} disabled={list.isFetchingNextPage}>
          Load more
        </button>
      ) : null}
    </section>
  )
}
