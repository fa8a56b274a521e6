import { parseRunFilter, RunFilterSyntaxError } from '@provena/contract'
import { type KeyboardEvent, useEffect, useId, useRef, useState } from 'react'
import { type Completion, type CompletionKeys, completeFilter } from './filter-completion'

/** The filter's syntax error, if any, found in the browser with the server's own parser. */
function filterError(text: string): RunFilterSyntaxError | null {
  try {
    parseRunFilter(text)
    return null
  } catch (error) {
    return error instanceof RunFilterSyntaxError ? error : null
  }
}

/**
 * The filter box: completes entities and keys as you type (arrows + Enter or Tab to take one),
 * underlines a syntax error where it is, and applies the filter on Enter when it parses.
 */
export function FilterInput({
  value,
  keys,
  onApply,
}: {
  value: string
  keys: CompletionKeys
  onApply: (filter: string) => void
}) {
  const [draft, setDraft] = useState(value)
  const [completion, setCompletion] = useState<Completion | null>(null)
  const [highlighted, setHighlighted] = useState(0)
  const [wasApplyTried, setWasApplyTried] = useState(false)
  const inputRef = useRef<HTMLInputElement>(null)
  const listId = useId()
  const errorId = useId()
  useEffect(() => setDraft(value), [value])
  const error = filterError(draft)
  // A filter that merely stops short ("metrics.loss <") is being typed: say so only once Enter is pressed.
  const isUnfinished = error !== null && error.position >= draft.trimEnd().length
  const shownError = error && (!isUnfinished || wasApplyTried) ? error : null

  function update(text: string, cursor: number) {
    setDraft(text)
    setWasApplyTried(false)
    setCompletion(completeFilter(text, cursor, keys))
    setHighlighted(0)
  }

  function accept(suggestion: string) {
    if (!completion) return
    const text = draft.slice(0, completion.from) + suggestion + draft.slice(completion.to)
    const cursor = completion.from + suggestion.length
    setDraft(text)
    setCompletion(suggestion.endsWith('.') ? completeFilter(text, cursor, keys) : null)
    setHighlighted(0)
    requestAnimationFrame(() => inputRef.current?.setSelectionRange(cursor, cursor))
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    const suggestions = completion?.suggestions ?? []
    if (suggestions.length > 0 && (event.key === 'ArrowDown' || event.key === 'ArrowUp')) {
      event.preventDefault()
      const step = event.key === 'ArrowDown' ? 1 : -1
      setHighlighted((h) => (h + step + suggestions.length) % suggestions.length)
    } else if (suggestions.length > 0 && (event.key === 'Tab' || event.key === 'Enter')) {
      event.preventDefault()
      accept(suggestions[highlighted] ?? suggestions[0] ?? '')
    } else if (event.key === 'Escape') {
      setCompletion(null)
    } else if (event.key === 'Enter') {
      setWasApplyTried(true)
      if (!error) onApply(draft.trim())
    }
  }

  const isOpen = (completion?.suggestions.length ?? 0) > 0
  return (
    <div className="filter-input">
      <label htmlFor={`${listId}-input`}>Filter</label>
      <div className="filter-field">
        <input
          id={`${listId}-input`}
          ref={inputRef}
          className={shownError ? 'has-error' : undefined}
          value={draft}
          spellCheck={false}
          autoComplete="off"
          placeholder="metrics.loss < 0.1 and params.optimizer = 'adam'"
          role="combobox"
          aria-expanded={isOpen}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-invalid={shownError !== null}
          aria-describedby={shownError ? errorId : undefined}
          aria-activedescendant={isOpen ? `${listId}-${highlighted}` : undefined}
          onChange={(e) => update(e.target.value, e.target.selectionStart ?? e.target.value.length)}
          onKeyDown={onKeyDown}
          onBlur={() => setCompletion(null)}
        />
        {isOpen ? (
          <ul className="suggestions" role="listbox" id={listId} aria-label="Suggestions">
            {completion?.suggestions.map((suggestion, i) => (
              <li
                key={suggestion}
                id={`${listId}-${i}`}
                role="option"
                aria-selected={i === highlighted}
                className={i === highlighted ? 'is-highlighted' : undefined}
                onMouseDown={(e) => {
                  e.preventDefault()
                  accept(suggestion)
                }}
              >
                {suggestion}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
      <button type="button" onClick={() => onApply(draft.trim())} disabled={error !== null}>
        Apply
      </button>
      {shownError ? (
        <div className="filter-error" id={errorId} role="alert">
          <code aria-hidden="true">
            {draft.slice(0, shownError.position)}
            <mark>{draft.slice(shownError.position, shownError.position + Math.max(1, shownError.length)) || ' '}</mark>
            {draft.slice(shownError.position + Math.max(1, shownError.length))}
          </code>
          <span>{shownError.message}</span>
        </div>
      ) : null}
    </div>
  )
}
