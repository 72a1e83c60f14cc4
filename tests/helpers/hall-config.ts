import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * A domains.json for one loopback server whose magic packets go to `udpPort` on 127.0.0.1 and
 * whose health is an HTTP check on `httpPort` (closed port = asleep). Returns the file path.
 */
export function writeLoopbackConfig (opts: { udpPort: number, httpPort: number, domain?: string, mac?: string, wakeTimeoutSeconds?: number, extra?: object, relays?: object }): { file: string, cleanup (): void } {
  const dir = mkdtempSync(join(tmpdir(), 'hall-config-'))
  const file = join(dir, 'domains.json')
  const domain = opts.domain ?? 'app.hall.test'
  writeFileSync(file, JSON.stringify({
    relays: opts.relays ?? {},
    servers: {
      lab: {
        ip: '127.0.0.1',
        mac: opts.mac ?? '02:00:00:00:00:2a',
        wake: { method: 'udp', broadcast: '127.0.0.1', port: opts.udpPort },
        health: [{ type: 'http', url: `http://127.0.0.1:${opts.httpPort}/health`, expect_status: 200 }],
        probe_timeout_seconds: 0.5,
        wake_timeout_seconds: opts.wakeTimeoutSeconds ?? 60,
        ...opts.extra
      }
    },
    domains: { [domain]: { server: 'lab', upstream: `http://127.0.0.1:${opts.httpPort}` } }
  }))
  return { file, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}
