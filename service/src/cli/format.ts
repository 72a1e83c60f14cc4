/** Plain-text output for the CLI: aligned columns, and times a person reads at a glance. */

/** Columns padded to their widest cell, two spaces apart; the last column is not padded. */
export function renderTable (headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map(r => (r[i] ?? '').length)))
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd()
  return [line(headers), ...rows.map(line)].join('\n') + '\n'
}

/** "just now", "42 s ago", "5 min ago", "3 h ago", "2 days ago"; a time ahead of `now` (clock skew) is "just now". */
export function formatAgo (at: number, now: number): string {
  const s = Math.floor((now - at) / 1000)
  if (s < 1) return 'just now'
  if (s < 60) return `${s} s ago`
  if (s < 3600) return `${Math.floor(s / 60)} min ago`
  if (s < 48 * 3600) return `${Math.floor(s / 3600)} h ago`
  return `${Math.floor(s / 86400)} days ago`
}

/** "2026-11-26 09:00", in the time zone of the machine running the CLI. */
export function formatDateTime (at: number): string {
  const d = new Date(at)
  const two = (n: number): string => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`
}
