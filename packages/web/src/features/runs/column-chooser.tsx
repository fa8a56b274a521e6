import { useState } from 'react'
import type { CompletionKeys } from './filter-completion'

/** A list of checkboxes, one per param, metric and tag key, that picks the extra table columns. */
export function ColumnChooser({
  keys,
  columns,
  onChange,
}: {
  keys: CompletionKeys
  columns: string[]
  onChange: (columns: string[]) => void
}) {
  const [search, setSearch] = useState('')
  const groups = [
    { title: 'Metrics', prefix: 'metrics', keys: keys.metrics },
    { title: 'Params', prefix: 'params', keys: keys.params },
    { title: 'Tags', prefix: 'tags', keys: keys.tags },
  ]
  const toggle = (column: string, isOn: boolean) =>
    onChange(isOn ? [...columns, column] : columns.filter((c) => c !== column))
  return (
    <details className="column-chooser">
      <summary>Columns ({columns.length})</summary>
      <div className="popover">
        <input
          type="search"
          aria-label="Find a column"
          placeholder="find…"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        {groups.map((group) => (
          <fieldset key={group.prefix}>
            <legend>{group.title}</legend>
            {group.keys
              .filter((key) => key.toLowerCase().includes(search.toLowerCase()))
              .map((key) => {
                const column = `${group.prefix}.${key}`
                return (
                  <label key={column} className="check">
                    <input
                      type="checkbox"
                      checked={columns.includes(column)}
                      onChange={(e) => toggle(column, e.target.checked)}
                    />
                    {key}
                  </label>
                )
              })}
            {group.keys.length === 0 ? <span className="muted">none</span> : null}
          </fieldset>
        ))}
      </div>
    </details>
  )
}
