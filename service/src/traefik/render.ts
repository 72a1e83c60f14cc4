import { formatCidr, parseCidr, type Cidr } from '../config/cidr.js'
import { DEFAULT_ADMIN_ALLOW } from '../config/env.js'
import type { DomainConfig, HallConfig } from '../config/types.js'
import { HallError } from '../errors.js'
import type { ProjectSpec } from '../projects/types.js'
import { HALL_NAME, HALL_PROJECT_MIDDLEWARE, hostMatcher, type DynamicConfig, type LoadBalancer, type Router } from './dynamic-config.js'
import { domainObjectNames } from './names.js'
import { CLIENT_CERT_MIDDLEWARE, CLIENT_CERT_TLS_OPTION, clientCertificateMiddleware, clientCertificateTlsOption, planProjectRoutes, projectObjects, type ProjectPlan } from './project-routes.js'

export type { DynamicConfig, ForwardAuth, LoadBalancer, Router, TlsOption } from './dynamic-config.js'
export { HALL_NAME } from './dynamic-config.js'

/**
 * The admin's router and its LAN allow-list. An underscore, as in no domain's name: those are
 * `hall-` and the host with dashes (names.ts), and a host never holds `_`.
 */
export const ADMIN_ROUTER = 'hall_admin'
export const ADMIN_ALLOW_MIDDLEWARE = 'hall_admin_lan'
export const INSECURE_TRANSPORT = 'hall-insecure-tls'
/** Sent by Hall on its 200; Traefik replaces any client-sent copy with it. */
export const AUTH_RESPONSE_HEADERS = ['X-Hall-Server'] as const
/** What the projects' forwardAuth takes from Hall's answer: the request's cookies, less the portal's session. */
export const PROJECT_AUTH_RESPONSE_HEADERS = ['X-Hall-Server', 'Cookie'] as const
/** Hall's answers are small; unset, Traefik reads any size and warns at start (v3.6.9+). */
const MAX_AUTH_RESPONSE_BYTES = 65536

/**
 * Only what a browser needs from Hall's public host, the client portal (/login, /logout,
 * /projects and its wake buttons) included. Not routed: /forward-auth (Traefik calls it on the
 * internal address), /traefik/dynamic, /api/wol, /api/shutdown. /admin has a router of its own,
 * behind the LAN allow-list.
 */
const PUBLIC_PATHS = ['/', '/healthz', '/api/health', '/api/status', '/login', '/logout', '/projects']
const PUBLIC_PREFIXES = ['/api/events/', '/api/redirect/', '/api/status/', '/assets/', '/waiting/', '/projects/']

const defaultAdminAllow: readonly Cidr[] = DEFAULT_ADMIN_ALLOW.split(',').map(text => parseCidr(text)!)

/**
 * Throws what renderTraefik would throw for this config and public URL, without rendering: the
 * service checks every config with it at start and on reload (a full render of 1000 domains
 * costs more than a start can spare), and renders only where Traefik reads the result.
 */
export function assertRenderable (config: HallConfig, publicUrl: string): void {
  const publicHost = publicHostOf(publicUrl)
  if (fileDomains(config).some(d => d.host === publicHost)) throw ownHostError(publicHost)
}

/**
 * Pure: the same config, public URL, admin allow-list and projects always give the same object,
 * keys sorted. `adminAllow` is HALL_ADMIN_ALLOW: Traefik refuses other clients before Hall checks
 * the same list again (two locks, not one). `projects`: one router each, on its host, to its pod
 * (project-routes.ts); a project's domain may sit in `config.domains` too, for the gate, but its
 * route comes from this list alone.
 */
export function renderTraefik (config: HallConfig, publicUrl: string, adminAllow: readonly Cidr[] = defaultAdminAllow, projects: readonly ProjectSpec[] = []): DynamicConfig {
  const { traefik } = config
  const publicHost = publicHostOf(publicUrl)
  const tls = traefik.certResolver === null ? {} : { certResolver: traefik.certResolver }
  const domains = fileDomains(config)
  const names = domainObjectNames(domains.map(d => d.host))

  const routers: Record<string, Router> = {
    [HALL_NAME]: {
      entryPoints: [traefik.entryPoint],
      rule: `${hostMatcher(publicHost)} && (${publicPathMatchers()})`,
      service: HALL_NAME,
      tls
    },
    [ADMIN_ROUTER]: {
      entryPoints: [traefik.entryPoint],
      middlewares: [ADMIN_ALLOW_MIDDLEWARE],
      rule: `${hostMatcher(publicHost)} && (Path(\`/admin\`) || PathPrefix(\`/admin/\`))`,
      service: HALL_NAME,
      tls
    }
  }
  const services: Record<string, { loadBalancer: LoadBalancer }> = {
    [HALL_NAME]: { loadBalancer: { passHostHeader: true, servers: [{ url: traefik.hallUrl }] } }
  }
  for (const domain of domains) {
    if (domain.host === publicHost) throw ownHostError(publicHost)
    const name = names.get(domain.host)!
    routers[name] = {
      entryPoints: [traefik.entryPoint],
      // first in the chain, so X-Forwarded-Uri is the path the user asked for
      middlewares: [HALL_NAME],
      rule: hostMatcher(domain.host),
      service: name,
      tls
    }
    services[name] = { loadBalancer: loadBalancerOf(domain) }
  }
  const forProjects = projectObjects(planProjects(config, publicHost, projects).routed, config.servers, traefik.entryPoint, tls)
  Object.assign(routers, forProjects.routers)
  Object.assign(services, forProjects.services)

  const insecure = domains.some(d => d.insecureTls)
  const clientCertificates = forProjects.needsClientCertificate
  return sortKeys({
    http: {
      middlewares: {
        [HALL_NAME]: {
          forwardAuth: { ...forwardAuthTo(traefik.hallUrl), authResponseHeaders: [...AUTH_RESPONSE_HEADERS] }
        },
        ...(Object.keys(forProjects.routers).length > 0
          ? { [HALL_PROJECT_MIDDLEWARE]: { forwardAuth: { ...forwardAuthTo(traefik.hallUrl), authResponseHeaders: [...PROJECT_AUTH_RESPONSE_HEADERS] } } }
          : {}),
        // Traefik judges the TCP peer (the client, since it faces the network itself)
        [ADMIN_ALLOW_MIDDLEWARE]: { ipAllowList: { sourceRange: adminAllow.map(formatCidr) } },
        ...(clientCertificates ? { [CLIENT_CERT_MIDDLEWARE]: clientCertificateMiddleware } : {})
      },
      routers,
      services,
      ...(insecure ? { serversTransports: { [INSECURE_TRANSPORT]: { insecureSkipVerify: true } } } : {})
    },
    ...(clientCertificates ? { tls: { options: { [CLIENT_CERT_TLS_OPTION]: clientCertificateTlsOption } } } : {})
  })
}

/** The projects renderTraefik leaves out, and why, for the caller to log (same inputs, same answer). */
export function unroutedProjects (config: HallConfig, publicUrl: string, projects: readonly ProjectSpec[]): ProjectPlan['unrouted'] {
  return planProjects(config, publicHostOf(publicUrl), projects).unrouted
}

/** The domains domains.json declares; a client project's domain (`project` set) is routed from the project. */
function fileDomains (config: HallConfig): DomainConfig[] {
  return [...config.domains.values()].filter(d => d.project === null)
}

/** Hall's own host and the file's domains are taken before any project (project-routes.ts says why). */
function planProjects (config: HallConfig, publicHost: string, projects: readonly ProjectSpec[]): ProjectPlan {
  return planProjectRoutes(projects, config.servers, new Set([publicHost, ...fileDomains(config).map(d => d.host)]))
}

function forwardAuthTo (hallUrl: string) {
  return {
    address: `${hallUrl}/forward-auth`,
    maxResponseBodySize: MAX_AUTH_RESPONSE_BYTES,
    // written explicitly: unset means a legacy mode and a warning since v3.7; false drops
    // every client X-Forwarded-* header and lets Traefik set its own
    trustForwardHeader: false
  } as const
}

function loadBalancerOf (domain: DomainConfig): LoadBalancer {
  const base = { passHostHeader: true, servers: [{ url: domain.upstream }] } as const
  return domain.insecureTls ? { ...base, serversTransport: INSECURE_TRANSPORT } : base
}

function publicPathMatchers (): string {
  return [
    ...PUBLIC_PATHS.map(p => `Path(\`${p}\`)`),
    ...PUBLIC_PREFIXES.map(p => `PathPrefix(\`${p}\`)`)
  ].join(' || ')
}

function ownHostError (host: string): HallError {
  return new HallError('HALL_ERR_CONFIG_INVALID', `domains["${host}"] is Hall's own public host (HALL_PUBLIC_URL): Traefik cannot route it both ways`)
}

/** Hall serves its pages at the root of its host, and the host goes into a rule between backticks. */
function publicHostOf (publicUrl: string): string {
  const url = new URL(publicUrl)
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '') {
    throw new HallError('HALL_ERR_ENV_INVALID', `HALL_PUBLIC_URL must be the root of Hall's own host (such as https://hall.example.com), got ${publicUrl}`)
  }
  if (!/^[a-z0-9.-]+$/.test(url.hostname)) {
    throw new HallError('HALL_ERR_ENV_INVALID', `HALL_PUBLIC_URL must name a host such as hall.example.com, got ${publicUrl}`)
  }
  return url.hostname
}

/**
 * Objects with their keys in code-point order, arrays kept in order: the YAML and the JSON come
 * out byte-identical for the same config (Traefik's HTTP provider hashes the raw body).
 */
function sortKeys<T> (value: T): T {
  if (Array.isArray(value)) return value.map(v => sortKeys(v)) as T
  if (value === null || typeof value !== 'object') return value
  const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)])) as T
}
