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
