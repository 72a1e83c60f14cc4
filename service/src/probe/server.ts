import type { HealthCheck, ServerConfig } from '../config/types.js'
import { createHttpProber } from './http.js'
import { probePing } from './ping.js'
import type { CheckResult, ServerProbe } from './result.js'
import { probeTcp } from './tcp.js'

export interface ServerProber {
  probe (server: ServerConfig, signal: AbortSignal): Promise<ServerProbe>
  close (): Promise<void>
}

export interface ServerProberOptions {
  /** The ping binary; tests point it at a missing one. */
  readonly pingPath?: string
}

/**
 * Runs a server's health checks in parallel, each bounded by its probeTimeoutMs.
 * Single-flight per server name: a probe asked for while one is running gets that same promise,
 * so a slow or dead host never has two rounds of sockets open against it.
 */
export function createProber (options: ServerProberOptions = {}): ServerProber {
  const http = createHttpProber()
  const inFlight = new Map<string, Promise<ServerProbe>>()

  function runCheck (check: HealthCheck, timeoutMs: number, signal: AbortSignal): Promise<CheckResult> {
    switch (check.type) {
      case 'ping':
        return probePing(check.host, timeoutMs, signal, options.pingPath)
      case 'tcp':
        return probeTcp(check.host, check.port, timeoutMs, signal)
      case 'http':
        return http.probe(check, timeoutMs, signal)
      default: {
        const unknown: never = check
        return unknown
      }
    }
  }

  async function probeAll (server: ServerConfig, signal: AbortSignal): Promise<ServerProbe> {
    const started = performance.now()
    const checks = await Promise.all(server.health.map(check =>
      runCheck(check, server.probeTimeoutMs, signal).catch((): CheckResult => ({
        // the probes report failures as values; this only guards against a bug turning into a rejection
        type: check.type,
        target: check.type === 'http' ? check.url : check.host,
        ok: false,
        alive: false,
        reason: 'error',
        status: null,
        durationMs: performance.now() - started
      }))
    ))
    return { alive: checks.some(c => c.alive), ready: isReady(checks), checks, durationMs: performance.now() - started }
  }

  function probe (server: ServerConfig, signal: AbortSignal): Promise<ServerProbe> {
    // the first caller's signal governs the shared probe: one supervisor per server asks anyway
    const running = inFlight.get(server.name)
    if (running !== undefined) return running
    const started = probeAll(server, signal).finally(() => inFlight.delete(server.name))
    inFlight.set(server.name, started)
    return started
  }

  return { probe, close: () => http.close() }
}

/**
 * Every check passes. A ping that could not run (no binary, no permission) neither passes nor
 * fails, since many containers ship without ping, unless nothing else is left to decide.
 */
export function isReady (checks: readonly CheckResult[]): boolean {
  const decisive = checks.filter(c => !(c.type === 'ping' && c.reason === 'unavailable'))
  return decisive.length > 0 && decisive.every(c => c.ok)
}
