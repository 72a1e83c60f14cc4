import type { AlertTargetEntry } from './alerts-schema.js'
import type { AlertTarget, HeaderValue } from './types.js'

/** `alerts` as the service runs on it: minutes in ms, header values told apart from secret references. */
export function toAlertTargets (entries: readonly AlertTargetEntry[]): readonly AlertTarget[] {
  return Object.freeze(entries.map((entry, i) => Object.freeze({
    label: entry.name ?? `alerts[${i}]`,
    destination: entry.ntfy !== undefined
      ? { kind: 'ntfy', url: entry.ntfy.url.replace(/\/+$/, ''), topic: entry.ntfy.topic, tokenEnv: entry.ntfy.token_env ?? null }
      : { kind: 'webhook', url: entry.url!, headers: toHeaders(entry.headers ?? {}) },
    events: new Set(entry.events),
    downAfterMs: Math.round(entry.down_after_minutes * 60_000),
    flappingChangesPerHour: entry.flapping_changes_per_hour
  } satisfies AlertTarget)))
}

function toHeaders (headers: NonNullable<AlertTargetEntry['headers']>): ReadonlyMap<string, HeaderValue> {
  return new Map(Object.entries(headers).map(([name, value]): [string, HeaderValue] =>
    [name.toLowerCase(), typeof value === 'string' ? { kind: 'text', text: value } : { kind: 'env', variable: value.env }]))
}
