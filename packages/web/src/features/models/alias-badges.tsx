/** A model's aliases as labels; a protected one says so in words, not only in colour. */
export function AliasBadges({ aliases, protectedAliases }: { aliases: string[]; protectedAliases: string[] }) {
  if (aliases.length === 0) return <span className="muted">—</span>
  return (
    <span className="alias-list">
      {[...aliases].sort().map((alias) =>
        protectedAliases.includes(alias) ? (
          <span
            key={alias}
            className="badge badge-protected"
            title="Protected: it moves only through an approved promotion request"
          >
            @{alias} (protected)
          </span>
        ) : (
          <span key={alias} className="badge badge-alias">
            @{alias}
          </span>
        ),
      )}
    </span>
  )
}
