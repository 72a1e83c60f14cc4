import type { ServerConfig } from '../config/types.js'
import { accessModes, type ProjectSpec } from '../projects/types.js'
import { HALL_PROJECT_MIDDLEWARE, hostMatcher, type LoadBalancer, type Router, type TlsOption } from './dynamic-config.js'
import { projectObjectName } from './names.js'

/** Shared by every `certificate` project: it has no per-project setting. */
export const CLIENT_CERT_MIDDLEWARE = 'hall_client_certificate'
export const CLIENT_CERT_TLS_OPTION = 'hall-client-certificate'

/**
 * Traefik writes the client's certificate into `X-Forwarded-Tls-Client-Cert`: with `pem`, the
 * base64 DER, i.e. the PEM without its BEGIN/END lines and newlines (Traefik's passTLSClientCert
 * docs, "pem"). v2 also URL-escaped it; v3's source no longer does (traefik/traefik#9412).
 */
export const clientCertificateMiddleware = { passTLSClientCert: { pem: true } } as const

/**
 * RequireAnyClientCert (Go's crypto/tls name): the handshake fails without a client certificate,
 * but Traefik checks it against no CA. Hall compares its SHA-256 fingerprint with the project's
 * registered ones, so self-signed certificates work and no `caFiles` are needed. Traefik picks
 * TLS options during the handshake, from the SNI matched against the routers' Host matchers
 * (TLS options docs, "Server Name Association"). TLS 1.2 is the floor of Traefik's default
 * option: asking for a certificate changes nothing else about who can connect.
 */
export const clientCertificateTlsOption: TlsOption = { clientAuth: { clientAuthType: 'RequireAnyClientCert' }, minVersion: 'VersionTLS12' }

export type UnroutedReason = 'invalid' | 'server-missing' | 'host-taken' | 'name-taken'
export interface ProjectPlan {
  readonly routed: readonly ProjectSpec[]
  readonly unrouted: ReadonlyArray<{ readonly project: ProjectSpec, readonly reason: UnroutedReason }>
}

// the host goes between backticks in a rule and the name into object names: checked again here,
// whatever the store accepted
const LOWER_CASE_HOST = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/

/**
 * Which projects get a router. Projects come from the database and change at run time, so one
 * that cannot be routed is left out, never thrown about: every other route must keep working.
 * `takenHosts` are Hall's own host and the domains of domains.json, which win over a project on
 * the same host: the file is what the operator wrote, and two routers on one host would clash in
 * Traefik. Their rules tie, and Traefik maps TLS options by host: two routers on one host with
 * different options both fall back to the default one ("found different TLS options for routers
 * on the same host"), so a `certificate` project would silently stop asking for a certificate.
 * Among projects, sorted by host then name, the first keeps a host or a name.
 */
export function planProjectRoutes (projects: readonly ProjectSpec[], servers: ReadonlyMap<string, ServerConfig>, takenHosts: ReadonlySet<string>): ProjectPlan {
  const hosts = new Set(takenHosts)
  const names = new Set<string>()
  const routed: ProjectSpec[] = []
  const unrouted: Array<{ project: ProjectSpec, reason: UnroutedReason }> = []
  for (const project of [...projects].sort(byHostThenName)) {
    const reason = whyUnroutable(project, servers, hosts, names)
    if (reason !== null) {
      unrouted.push({ project, reason })
      continue
    }
    hosts.add(project.host)
    names.add(project.name)
    routed.push(project)
  }
  return { routed, unrouted }
}

export interface ProjectObjects {
  readonly routers: Record<string, Router>
  readonly services: Record<string, { loadBalancer: LoadBalancer }>
  readonly needsClientCertificate: boolean
}

/** `routed` from planProjectRoutes: each server exists. `tls` is the other routers' (cert resolver). */
export function projectObjects (routed: readonly ProjectSpec[], servers: ReadonlyMap<string, ServerConfig>, entryPoint: string, tls: Router['tls']): ProjectObjects {
  const routers: Record<string, Router> = {}
  const services: Record<string, { loadBalancer: LoadBalancer }> = {}
  for (const project of routed) {
    const name = projectObjectName(project.name)
    const certificate = project.access === 'certificate'
    routers[name] = {
      entryPoints: [entryPoint],
      // passTLSClientCert before forwardAuth: a router's middlewares run in the order listed
      // (schema, httpRouter.middlewares), and forwardAuth copies the request's headers into its
      // call to Hall, all of them while authRequestHeaders is unset ("If not set or empty then
      // all request headers are passed", forwardAuth docs). A client cannot forge the header:
      // the entry point deletes a client's X-Forwarded-Tls-Client-Cert (forwardedHeaders), and
      // on this host every connection carries a certificate whose PEM replaces it.
      middlewares: certificate ? [CLIENT_CERT_MIDDLEWARE, HALL_PROJECT_MIDDLEWARE] : [HALL_PROJECT_MIDDLEWARE],
      rule: hostMatcher(project.host),
      service: name,
      tls: certificate ? { ...tls, options: CLIENT_CERT_TLS_OPTION } : tls
    }
    const server = servers.get(project.server)!
    // the pod publishes its port on the server's LAN address, in plain HTTP: Traefik ends TLS
    services[name] = { loadBalancer: { passHostHeader: true, servers: [{ url: `http://${server.ip}:${project.port}` }] } }
  }
  return { routers, services, needsClientCertificate: routed.some(p => p.access === 'certificate') }
}

function whyUnroutable (project: ProjectSpec, servers: ReadonlyMap<string, ServerConfig>, hosts: ReadonlySet<string>, names: ReadonlySet<string>): UnroutedReason | null {
  const wellFormed = LOWER_CASE_HOST.test(project.host) && DNS_LABEL.test(project.name) && accessModes.includes(project.access) &&
    Number.isInteger(project.port) && project.port >= 1 && project.port <= 65535
  if (!wellFormed) return 'invalid'
  if (!servers.has(project.server)) return 'server-missing'
  if (hosts.has(project.host)) return 'host-taken'
  if (names.has(project.name)) return 'name-taken'
  return null
}

function byHostThenName (a: ProjectSpec, b: ProjectSpec): number {
  return compare(a.host, b.host) || compare(a.name, b.name)
}

function compare (a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
