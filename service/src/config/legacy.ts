import { serverSchema, type FlatDomainEntry, type ServerEntry } from './schema.js'

/**
 * The original deployment's flat form: each domain carries its own server. Expanded into a
 * server named after the domain (defaults from the same zod schema), so the rest of Hall knows
 * only the full form.
 */
export function expandFlatDomain (entry: FlatDomainEntry): { server: ServerEntry, upstream: string } {
  const server = serverSchema.parse({
    ip: entry.server_ip,
    mac: entry.server_mac,
    policy: entry.wol_policy,
    wake_timeout_seconds: entry.wake_timeout_seconds,
    idle_shutdown_minutes: entry.idle_shutdown_minutes
  })
  return { server, upstream: entry.redirect_url }
}

export function isFlatDomain (entry: object): entry is FlatDomainEntry {
  return 'server_ip' in entry
}
