/**
 * Traefik v3 dynamic configuration (file and HTTP providers share the format), limited to what
 * Hall emits. Every key here exists in Traefik's official schema.
 */
export interface DynamicConfig {
  readonly http: {
    readonly middlewares: {
      readonly hall: { readonly forwardAuth: ForwardAuth }
      readonly hall_admin_lan: { readonly ipAllowList: { readonly sourceRange: readonly string[] } }
      /** Only when a `certificate` project is routed. */
      readonly hall_project?: { readonly forwardAuth: ForwardAuth }
      readonly hall_client_certificate?: { readonly passTLSClientCert: { readonly pem: true } }
    }
    readonly routers: Readonly<Record<string, Router>>
    readonly services: Readonly<Record<string, { readonly loadBalancer: LoadBalancer }>>
    /** Only when a domain has a self-signed upstream. */
    readonly serversTransports?: Readonly<Record<string, { readonly insecureSkipVerify: true }>>
  }
  /** Only when a `certificate` project is routed. */
  readonly tls?: { readonly options: Readonly<Record<string, TlsOption>> }
}

export interface ForwardAuth {
  readonly address: string
  readonly authResponseHeaders: readonly string[]
  readonly maxResponseBodySize: number
  readonly trustForwardHeader: false
}

export interface Router {
  readonly entryPoints: readonly string[]
  readonly middlewares?: readonly string[]
  readonly rule: string
  readonly service: string
  /** `options` names an entry of the top-level `tls.options`. */
  readonly tls: { readonly certResolver?: string, readonly options?: string }
}

export interface LoadBalancer {
  readonly passHostHeader: true
  readonly servers: ReadonlyArray<{ readonly url: string }>
  readonly serversTransport?: string
}

/** Go's crypto/tls names, which Traefik takes as they are. */
export interface TlsOption {
  readonly clientAuth: { readonly clientAuthType: 'RequireAnyClientCert' }
  readonly minVersion: 'VersionTLS12'
}

/** Hall's own router, service and forward-auth middleware (each kind has its own namespace). */
export const HALL_NAME = 'hall'
/**
 * Hall's forwardAuth for client projects: it also takes the request's Cookie header back from
 * Hall, without the portal's session cookie, so a client's app never receives other people's
 * sessions (forwardAuth deletes each authResponseHeaders header, then sets Hall's copy if any).
 */
export const HALL_PROJECT_MIDDLEWARE = 'hall_project'

/** The host goes between backticks: callers pass only validated lower-case host names. */
export function hostMatcher (host: string): string {
  return `Host(\`${host}\`)`
}
