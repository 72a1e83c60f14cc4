const entities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;'
}

/**
 * Escapes text for both HTML text and quoted attribute contexts, so one function
 * serves every interpolation. Attributes must always be quoted by the caller.
 */
export function escapeHtml (s: string): string {
  return s.replace(/[&<>"']/g, c => entities[c] ?? c)
}

const scriptUnsafe: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029'
}

/**
 * JSON for a `<script type="application/json">` data block: no `<` survives, so no
 * `</script>` or `<!--` can end the block early; the browser's JSON.parse undoes the escapes.
 */
export function jsonForScript (value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, c => scriptUnsafe[c] ?? c)
}
