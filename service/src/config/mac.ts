/**
 * MAC addresses arrive in every notation vendors print: colon, dash, Cisco dots or bare hex.
 * Everything inside Hall uses one canonical form: lower-case, colon-separated.
 */
export function normalizeMac (input: string): string | null {
  const trimmed = input.trim()
  const hex = /^[0-9a-f]{2}([:-])[0-9a-f]{2}(\1[0-9a-f]{2}){4}$/i.test(trimmed) ||
    /^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$/i.test(trimmed) ||
    /^[0-9a-f]{12}$/i.test(trimmed)
    ? trimmed.replace(/[:.-]/g, '').toLowerCase()
    : null
  if (hex === null) return null
  return hex.match(/../g)!.join(':')
}
