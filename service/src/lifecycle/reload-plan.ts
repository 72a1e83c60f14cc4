import { isDeepStrictEqual } from 'node:util'
import type { ServerConfig } from '../config/types.js'

/** Servers a reload started, stopped, or restarted with their new settings. */
export interface ReloadSummary { readonly added: string[], readonly removed: string[], readonly changed: string[] }

/** Which servers a new config adds, removes, or changes in any setting. */
export function planReload (current: ReadonlyMap<string, ServerConfig>, next: ReadonlyMap<string, ServerConfig>): ReloadSummary {
  const summary: ReloadSummary = { added: [], removed: [], changed: [] }
  for (const [name, old] of current) {
    const wanted = next.get(name)
    if (wanted === undefined) summary.removed.push(name)
    else if (!sameSettings(wanted, old)) summary.changed.push(name)
  }
  for (const name of next.keys()) if (!current.has(name)) summary.added.push(name)
  return summary
}

/**
 * Two configs (or any part of one) compared field by field, however deep. Not JSON.stringify:
 * it reads a Map or a Set as `{}` and a RegExp as `{}`, so a change inside one would be missed.
 */
export function sameSettings (a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(a, b)
}
