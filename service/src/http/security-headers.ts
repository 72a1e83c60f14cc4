import type { FastifyHelmetOptions } from '@fastify/helmet'

/**
 * The options of @fastify/helmet, registered once for every answer Fastify sends, the home, waiting and admin
 * pages included. Hall's pages load only its own scripts and stylesheets: nothing inline, nothing
 * from elsewhere. `upgrade-insecure-requests` only when browsers reach Hall over https: on a LAN
 * served over plain http it would send the page's own requests to a port nothing listens on.
 * (Forward-auth is answered before Fastify and carries none of this.)
 */
export function securityHeaders (publicUrl: string): FastifyHelmetOptions {
  const https = new URL(publicUrl).protocol === 'https:'
  return {
    global: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        connectSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(https ? { upgradeInsecureRequests: [] } : {})
      }
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // browsers honour (and over plain http complain about) these only on a trustworthy origin
    crossOriginOpenerPolicy: https,
    originAgentCluster: https,
    // over plain http a browser ignores it anyway; over https, a year, for Hall's own host only
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: false } : false
  }
}
