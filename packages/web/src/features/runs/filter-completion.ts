import { RUN_FILTER_ATTRIBUTES } from '@provena/contract'

/** The keys the filter box can complete, as listed by the server. */
export interface CompletionKeys {
  params: string[]
  metrics: string[]
  tags: string[]
}

export interface Completion {
  /** The text [from, to) that a suggestion replaces. */
  from: number
  to: number
  suggestions: string[]
}

const ENTITIES = ['metrics.', 'params.', 'tags.', 'attributes.']
const MAX_SUGGESTIONS = 12

/** Writes a column reference the filter parser reads back: keys with spaces etc. in backticks. */
function columnReference(entity: string, key: string): string {
  return /^[\w.\-/:]+$/.test(key) ? `${entity}.${key}` : `${entity}.\`${key}\``
}

/**
 * Suggestions for the word being typed at `cursor`: an entity (`metrics.`), then a key of that
 * entity (`metrics.loss`). Words after an operator are values, which are not completed.
 */
export function completeFilter(text: string, cursor: number, keys: CompletionKeys): Completion | null {
  const before = text.slice(0, cursor)
  const word = /[\w.\-/:`]*$/.exec(before)?.[0] ?? ''
  const from = cursor - word.length
  const previous = before.slice(0, from).trimEnd()
  const isColumnPosition = previous === '' || /\band$/i.test(previous)
  if (!isColumnPosition) return null
  const dot = word.indexOf('.')
  const lower = word.toLowerCase()
  let candidates: string[]
  if (dot === -1) {
    candidates = ENTITIES.filter((e) => e.startsWith(lower))
  } else {
    const entity = word.slice(0, dot).toLowerCase()
    const prefix = word
      .slice(dot + 1)
      .replace(/^`/, '')
      .toLowerCase()
    const pool =
      entity === 'metrics' || entity === 'metric'
        ? keys.metrics
        : entity === 'params' || entity === 'param'
          ? keys.params
          : entity === 'tags' || entity === 'tag'
            ? keys.tags
            : entity === 'attributes' || entity === 'attribute'
              ? [...RUN_FILTER_ATTRIBUTES]
              : []
    candidates = pool
      .filter((key) => key.toLowerCase().startsWith(prefix))
      .map((key) => columnReference(word.slice(0, dot), key))
  }
  const suggestions = candidates.filter((c) => c !== word).slice(0, MAX_SUGGESTIONS)
  const wordEnd = /^[\w.\-/:`]*/.exec(text.slice(cursor))?.[0].length ?? 0
  return suggestions.length === 0 ? null : { from, to: cursor + wordEnd, suggestions }
}
