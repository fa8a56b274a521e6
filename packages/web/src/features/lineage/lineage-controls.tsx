import { type LineageDirection, LineageNodeType, MAX_LINEAGE_DEPTH } from '@provena/contract'
import { type FormEvent, useState } from 'react'
import type { LineageViewState } from '../../navigation/url-state'
import { NODE_TYPE_NAMES } from './lineage-graph'

const DIRECTIONS: { value: LineageDirection; label: string }[] = [
  { value: 'both', label: 'both ways' },
  { value: 'upstream', label: 'upstream (what it came from)' },
  { value: 'downstream', label: 'downstream (what came from it)' },
]

/** The ref box: a new ref starts a new picture (its own history entry). */
export function RefForm({ initialRef, onShow }: { initialRef: string; onShow: (ref: string) => void }) {
  const [text, setText] = useState(initialRef)
  function submit(event: FormEvent) {
    event.preventDefault()
    if (text.trim() !== '') onShow(text.trim())
  }
  return (
    <form className="inline-form lineage-ref-form" onSubmit={submit}>
      <label>
        Ref
        <input
          type="text"
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder="runs:/<id>, models:/<name>/<version>, datasets:/<name>@<version> …"
          spellCheck={false}
          size={48}
        />
      </label>
      <button type="submit" className="primary">
        Show
      </button>
    </form>
  )
}

type Settings = Pick<LineageViewState, 'direction' | 'depth' | 'types'>

/** Direction, depth and the node types shown; each change asks the server again. */
export function LineageControls({ state, onChange }: { state: Settings; onChange: (settings: Settings) => void }) {
  const [depthText, setDepthText] = useState(String(state.depth))
  function changeDepth(text: string) {
    setDepthText(text)
    const depth = Number(text)
    if (Number.isInteger(depth) && depth >= 1 && depth <= MAX_LINEAGE_DEPTH) onChange({ ...state, depth })
  }
  function toggleType(type: LineageNodeType, isShown: boolean) {
    const types = LineageNodeType.options.filter((t) => (t === type ? isShown : state.types.includes(t)))
    if (types.length > 0) onChange({ ...state, types })
  }
  return (
    <div className="toolbar lineage-controls">
      <label>
        Direction
        <select
          value={state.direction}
          onChange={(e) => onChange({ ...state, direction: e.target.value as LineageDirection })}
        >
          {DIRECTIONS.map((d) => (
            <option key={d.value} value={d.value}>
              {d.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Depth
        <input
          type="number"
          min={1}
          max={MAX_LINEAGE_DEPTH}
          value={depthText}
          onChange={(e) => changeDepth(e.target.value)}
          className="lineage-depth"
        />
      </label>
      <fieldset className="lineage-types">
        <legend>Node types</legend>
        {LineageNodeType.options.map((type) => (
          <label key={type} className="check">
            <input
              type="checkbox"
              checked={state.types.includes(type)}
              // The last type shown stays: a picture of nothing answers no question.
              disabled={state.types.length === 1 && state.types.includes(type)}
              onChange={(e) => toggleType(type, e.target.checked)}
            />
            <span className={`lineage-swatch lineage-swatch-${type}`} aria-hidden="true" />
            {NODE_TYPE_NAMES[type]}
          </label>
        ))}
      </fieldset>
    </div>
  )
}
