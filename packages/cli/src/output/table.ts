export interface Column {
  header: string
  /** Longer cells are cut and end in `…`; defaults to DEFAULT_MAX_WIDTH. */
  maxWidth?: number
  align?: 'left' | 'right'
}

const DEFAULT_MAX_WIDTH = 40

const GAP = '  '

// Widths count code points, so an emoji or accented letter is not split in half by truncation.
const widthOf = (text: string) => [...text].length

/** One line per cell: control characters (a newline in a description) would break the table. */
function cleanCell(text: string, maxWidth: number): string {
  const oneLine = text.replace(/\p{Cc}+/gu, ' ')
  const chars = [...oneLine]
  return chars.length <= maxWidth ? oneLine : `${chars.slice(0, Math.max(0, maxWidth - 1)).join('')}…`
}

function padCell(text: string, width: number, align: Column['align']): string {
  const padding = ' '.repeat(Math.max(0, width - widthOf(text)))
  return align === 'right' ? padding + text : text + padding
}

/**
 * Aligned columns separated by two spaces, headers first, one line per row, ending in a newline.
 * @example formatTable([{ header: 'ID' }, { header: 'NAME' }], [['1', 'baseline']])
 */
export function formatTable(columns: Column[], rows: string[][], { showHeader = true } = {}): string {
  const cells = rows.map((row) =>
    columns.map((column, i) => cleanCell(row[i] ?? '', column.maxWidth ?? DEFAULT_MAX_WIDTH)),
  )
  const lines = showHeader ? [columns.map((column) => column.header), ...cells] : cells
  const widths = columns.map((_, i) => Math.max(0, ...lines.map((line) => widthOf(line[i] ?? ''))))
  const text = lines.map((line) =>
    line
      .map((cell, i) => padCell(cell, widths[i] ?? 0, columns[i]?.align))
      .join(GAP)
      .trimEnd(),
  )
  return text.map((line) => `${line}\n`).join('')
}
