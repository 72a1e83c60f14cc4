import type { ConfigProblem } from './issues.js'
import type { DomainsFile } from './schema.js'

/**
 * What loads but does not do what it seems to say: a policy and a schedule that contradict each
 * other. Not errors, so that a file written before this check still loads; `hall validate`
 * prints them and `hall serve` logs them at every load and reload.
 */
export function configWarnings (file: DomainsFile): ConfigProblem[] {
  const warnings: ConfigProblem[] = []
  for (const [name, server] of Object.entries(file.servers)) {
    const at = `servers.${name}`
    if (server.policy === 'scheduled' && server.schedule === undefined) {
      warnings.push({ path: `${at}.policy`, message: '"scheduled" without a "schedule": the server behaves as on_demand; add a schedule with a timezone and windows, or say "on_demand"' })
    }
    if (server.policy !== 'scheduled' && server.schedule !== undefined) {
      warnings.push({ path: `${at}.schedule`, message: `ignored: the policy is "${server.policy}"; set "policy": "scheduled" to use it, or remove it` })
    }
  }
  for (const [host, domain] of Object.entries(file.domains)) {
    if ('wol_policy' in domain && domain.wol_policy === 'scheduled') {
      warnings.push({ path: `domains[${JSON.stringify(host)}].wol_policy`, message: '"scheduled" needs windows, which the flat form cannot hold: the server behaves as on_demand; define it under "servers" with a "schedule"' })
    }
  }
  return warnings
}
