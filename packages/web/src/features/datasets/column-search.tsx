/** Whether a column is shown for the search text: its name contains the text, in any case. */
export function matchesColumnSearch(name: string, search: string): boolean {
  return name.toLowerCase().includes(search.trim().toLowerCase())
}

/** The box that narrows a wide table's columns (and their histograms) by name. */
export function ColumnSearch({ value, onChange }: { value: string; onChange: (search: string) => void }) {
  return (
    <label>
      Columns
      <input type="search" value={value} onChange={(e) => onChange(e.target.value)} placeholder="name contains…" />
    </label>
  )
}
