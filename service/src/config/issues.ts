import type { z } from 'zod'

/** One problem in `domains.json`, ready to print: where, and what is wrong. */
export interface ConfigProblem { path: string, message: string }

type Issue = z.core.$ZodIssue
/** Key -> the places in the file that take it ("a server (servers.NAME)"). */
export type KeyPlaces = ReadonlyMap<string, readonly string[]>
type Key = PropertyKey

/** `domains["testing.audit-io.fr"].wake_timeout_seconds`, `servers.erp.health[0].url` */
export function toJsonPath (path: readonly Key[]): string {
  if (path.length === 0) return '(top level)'
  return path.map((key, i) => {
    if (typeof key === 'number') return `[${key}]`
    const text = String(key)
    if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(text)) return i === 0 ? text : `.${text}`
    return `[${JSON.stringify(text)}]`
  }).join('')
}

/** Turns zod issues into one line each, with values quoted from the file and typos explained. */
export function describeIssues (issues: readonly Issue[], input: unknown, keyPlaces: KeyPlaces, base: readonly Key[] = []): ConfigProblem[] {
  return issues.flatMap(issue => describeIssue(issue, input, keyPlaces, base))
}

function describeIssue (issue: Issue, input: unknown, keyPlaces: KeyPlaces, base: readonly Key[]): ConfigProblem[] {
  const path = [...base, ...issue.path]
  const value = valueAt(input, path)
  const at = (message: string): ConfigProblem[] => [{ path: toJsonPath(path), message }]
  if (value === undefined && issue.code !== 'unrecognized_keys' && issue.code !== 'invalid_key') return at('is required')
  switch (issue.code) {
    case 'invalid_union': {
      // a discriminated union names the values it knows; a plain one has one list of issues per branch
      const options = (issue as { options?: unknown[] }).options
      if (options !== undefined) return at(`expected ${listOf(options)}, got ${show(value)}`)
      // the branch with the fewest complaints is the one the author meant (flat or full domain form)
      const branches = issue.errors.filter(b => b.length > 0)
      if (branches.length === 0) return at(`${issue.message}, got ${show(value)}`)
      const best = branches.reduce((a, b) => (b.length < a.length ? b : a))
      return describeIssues(best, input, keyPlaces, path)
    }
    case 'unrecognized_keys':
      return issue.keys.map(key => ({ path: toJsonPath([...path, key]), message: unknownKey(key, keyPlaces) }))
    case 'invalid_key':
      return at(`${issue.issues[0]?.message ?? 'not an allowed key'}, got ${show(path.at(-1))}`)
    case 'invalid_type':
      return at(`${issue.message.startsWith('Invalid input') ? `expected ${article(issue.expected)}` : issue.message}, got ${show(value)}`)
    case 'invalid_value':
      return at(`expected ${listOf(issue.values)}, got ${show(value)}`)
    case 'too_small':
      return at(`expected ${issue.origin === 'array' ? 'at least' : 'a value of at least'} ${String(issue.minimum)}${issue.origin === 'array' ? ' item(s)' : ''}, got ${show(value)}`)
    case 'too_big':
      return at(`expected ${issue.origin === 'array' ? 'at most' : 'a value of at most'} ${String(issue.maximum)}${issue.origin === 'array' ? ' item(s)' : ''}, got ${show(value)}`)
    default:
      return at(typeof value === 'object' ? issue.message : `${issue.message}, got ${show(value)}`)
  }
}

function listOf (values: readonly unknown[]): string {
  const shown = values.map(v => JSON.stringify(v))
  return shown.length <= 1 ? (shown[0] ?? 'nothing') : `${shown.slice(0, -1).join(', ')} or ${shown.at(-1)!}`
}

function valueAt (input: unknown, path: readonly Key[]): unknown {
  let cursor: unknown = input
  for (const key of path) {
    if (cursor === null || typeof cursor !== 'object') return undefined
    cursor = (cursor as Record<Key, unknown>)[key]
  }
  return cursor
}

function show (value: unknown): string {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}

function article (expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`
}

/** A key valid elsewhere says where it belongs; a typo names the nearest key; anything else, nothing. */
function unknownKey (key: string, places: KeyPlaces): string {
  const belongs = places.get(key)
  if (belongs !== undefined) return `unknown key here: "${key}" belongs to ${orList(belongs)}`
  let best: string | undefined
  let bestDistance = 3 // more than two edits away is not a typo
  for (const candidate of places.keys()) {
    const d = editDistance(key.toLowerCase(), candidate)
    if (d < bestDistance) { best = candidate; bestDistance = d }
  }
  return best === undefined ? 'unknown key' : `unknown key (did you mean "${best}"?)`
}

function orList (items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)!}`
}

function editDistance (a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.length]!
}
