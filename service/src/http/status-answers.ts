import type { Clock } from '../clock.js'
import type { HallConfig } from '../config/types.js'
import type { DomainStatus, ServerStatus } from '../contract/status.js'
import type { Fleet } from '../lifecycle/fleet.js'
import { nextChange } from '../lifecycle/schedule.js'
import type { ServerState } from '../lifecycle/states.js'
import type { RecentPowerHistory } from './recent-power-history.js'
import { domainStatusJson, serverStatusJson } from './status-view.js'

/** The contract's serializers, as Fastify compiles them from contract/status.ts: only declared fields reach the JSON. */
export interface StatusSerializers {
  domain (status: DomainStatus): string
  server (status: ServerStatus): string
}

export interface StatusAnswers {
  /** GET /api/status, serialized: the listed domains, or (`local`) every domain and the servers. */
  list (local: boolean, serialize: StatusSerializers): Buffer
  /** GET /api/status/:domain, serialized; null when Hall does not serve `host`. */
  domain (host: string, serialize: StatusSerializers): string | null
}

export interface StatusAnswersDeps {
  readonly fleet: Pick<Fleet, 'config' | 'lookup' | 'supervisor'>
  readonly history: RecentPowerHistory
  readonly clock: Clock
  /** `since` of a server without a supervisor. */
  readonly startedAt: number
}

/** One server's share of every answer, and what it was built from: when any of these changes, it is built again. */
interface ServerPart {
  readonly state: ServerState | null
  readonly probe: object | null
  readonly revision: number
  /** A scheduled server's window opens or closes then, which changes `schedule` with no event at all. */
  readonly validUntil: number
  /** Host -> its DomainStatus JSON. */
  readonly domains: ReadonlyMap<string, string>
  /** Its ServerStatus JSON. */
  readonly server: string
}

/** What one config fixes: the order of the answers, and which server each domain is on. */
interface Layout {
  readonly config: HallConfig
  /** By name, as the list shows them. */
  readonly servers: readonly string[]
  readonly listedHosts: readonly string[]
  readonly allHosts: readonly string[]
  readonly hostsOf: ReadonlyMap<string, readonly string[]>
}

/**
 * The status answers, serialized once per change instead of once per call. A status answer is a
 * function of the config, each server's state, last probe and power history, and (for a scheduled
 * server) the time until its window next opens or closes. Each server's part is kept with the
 * objects it was built from (the supervisor replaces its state and probe objects on every change,
 * the history counts its revisions), so a call checks 100 servers by identity and sends bytes it
 * already has; a change rebuilds that one server's part, and the list is joined again from parts.
 */
export function createStatusAnswers ({ fleet, history, clock, startedAt }: StatusAnswersDeps): StatusAnswers {
  let layout: Layout | null = null
  const parts = new Map<string, ServerPart>()
  const lists: { listed: Buffer | null, all: Buffer | null } = { listed: null, all: null }

  function currentLayout (): Layout {
    const config = fleet.config()
    if (layout?.config !== config) {
      // a reload: every part may differ (policies, domains, listed flags, supervisors)
      layout = layoutOf(config)
      parts.clear()
      lists.listed = lists.all = null
    }
    return layout
  }

  function partOf (name: string, at: Layout, now: number, serialize: StatusSerializers): ServerPart {
    const supervisor = fleet.supervisor(name)
    const state = supervisor?.state() ?? null
    const probe = supervisor?.lastProbe() ?? null
    const part = parts.get(name)
    if (part !== undefined && part.state === state && part.probe === probe && part.revision === history.revision(name) && now < part.validUntil) return part

    const server = at.config.servers.get(name)!
    const hosts = at.hostsOf.get(name) ?? []
    const built: ServerPart = {
      state,
      probe,
      revision: history.revision(name),
      validUntil: server.schedule === null ? Infinity : nextChange(server.schedule, now)?.at ?? Infinity,
      domains: domainsJson(hosts, (host) => {
        const view = fleet.lookup(host)
        return view === undefined ? undefined : domainStatusJson(view, state, startedAt, history, probe, now)
      }, serialize),
      server: serialize.server(serverStatusJson(server, hosts, fleet, history, startedAt, now))
    }
    parts.set(name, built)
    lists.listed = lists.all = null
    return built
  }

  return {
    list (local, serialize) {
      const at = currentLayout()
      const now = clock.now()
      const fresh = new Map(at.servers.map(name => [name, partOf(name, at, now, serialize)]))
      const cached = local ? lists.all : lists.listed
      if (cached !== null) return cached
      const hosts = local ? at.allHosts : at.listedHosts
      const domains = hosts.map(host => fresh.get(at.config.domains.get(host)!.server)!.domains.get(host)).filter(json => json !== undefined)
      // the same bytes the list's own serializer writes: {"domains":[...],"servers":[...]}
      const servers = local ? `,"servers":[${at.servers.map(name => fresh.get(name)!.server).join(',')}]` : ''
      const answer = Buffer.from(`{"domains":[${domains.join(',')}]${servers}}`)
      if (local) lists.all = answer
      else lists.listed = answer
      return answer
    },
    domain (host, serialize) {
      const at = currentLayout()
      const domain = at.config.domains.get(host)
      if (domain === undefined) return null
      return partOf(domain.server, at, clock.now(), serialize).domains.get(host) ?? null
    }
  }
}

function layoutOf (config: HallConfig): Layout {
  const domains = [...config.domains.values()]
  const hostsOf = new Map<string, string[]>()
  for (const d of domains) {
    const hosts = hostsOf.get(d.server)
    if (hosts === undefined) hostsOf.set(d.server, [d.host])
    else hosts.push(d.host)
  }
  for (const hosts of hostsOf.values()) hosts.sort()
  return {
    config,
    servers: [...config.servers.keys()].sort((a, b) => a.localeCompare(b)),
    listedHosts: domains.filter(d => d.listed).map(d => d.host).sort(),
    allHosts: domains.map(d => d.host).sort(),
    hostsOf
  }
}

/**
 * Every domain of one server has the same status but for its name: the status is serialized once
 * and each domain gets its own name in front. The contract declares `domain` first; were it ever
 * not written first, each domain is serialized on its own instead.
 */
function domainsJson (hosts: readonly string[], statusOf: (host: string) => DomainStatus | undefined, serialize: StatusSerializers): Map<string, string> {
  const domains = new Map<string, string>()
  const first = hosts[0] === undefined ? undefined : statusOf(hosts[0])
  if (first === undefined) return domains
  const json = serialize.domain(first)
  const head = `{"domain":${JSON.stringify(first.domain)},`
  for (const host of hosts) {
    if (json.startsWith(head)) {
      domains.set(host, `{"domain":${JSON.stringify(host)},${json.slice(head.length)}`)
    } else {
      const status = statusOf(host)
      if (status !== undefined) domains.set(host, serialize.domain(status))
    }
  }
  return domains
}
