import { spawn, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { watchChild } from './child-server.js'
import { freePort } from './free-port.js'

// Caddy stands in for Traefik in e2e tests, running the shipped deploy/caddy/Caddyfile: its
// forward_auth asks Hall, then reverse_proxy sends allowed requests upstream (see the shared
// reference, section 9, for how 2.6.2 differs).

const SHIPPED_CADDYFILE = new URL('../../deploy/caddy/Caddyfile', import.meta.url)

export interface CaddyOptions {
  authUrl: string // Hall's base URL, e.g. 'http://127.0.0.1:PORT'
  upstream: string // 'http://127.0.0.1:PORT'
  copyHeaders?: string[]
  /**
   * Keep the shipped file's site for Hall's own host (public pages, and /admin for the LAN) as
   * `http://<hallHost>:<port>` on the same port, proxied to authUrl; left out when unset.
   */
  hallHost?: string
  /** The protected site is a client project's: it imports `hall_project` (Hall's cookies back) instead of `hall`. */
  project?: boolean
}

export interface RunningCaddy {
  port: number
  url: string
  stop (): Promise<void>
}

const START_TIMEOUT_MS = 10_000

export function caddyAvailable (): boolean {
  return spawnSync('caddy', ['version'], { stdio: 'ignore' }).status === 0
}

export async function startCaddy (opts: CaddyOptions): Promise<RunningCaddy> {
  const dir = await mkdtemp(join(tmpdir(), 'hall-caddy-'))
  try {
    // freePort closes its socket before caddy binds, so another process may win the port: retry
    for (let attempt = 1; ; attempt++) {
      const port = await freePort()
      try {
        return await launch(dir, port, opts)
      } catch (err) {
        if (attempt >= 3 || !/address already in use/i.test(String(err))) throw err
      }
    }
  } catch (err) {
    await rm(dir, { recursive: true, force: true })
    throw err
  }
}

async function launch (dir: string, port: number, opts: CaddyOptions): Promise<RunningCaddy> {
  const file = join(dir, 'Caddyfile')
  await writeFile(file, caddyfile(port, opts))
  const child = spawn('caddy', ['run', '--config', file, '--adapter', 'caddyfile'], {
    cwd: dir,
    // caddy writes autosave.json and certificates under these; keep them out of the real home
    env: { ...process.env, HOME: dir, XDG_DATA_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'config') },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const watched = watchChild(child)

  const stop = async (): Promise<void> => {
    await watched.stop()
    await rm(dir, { recursive: true, force: true })
  }

  const deadline = Date.now() + START_TIMEOUT_MS
  // the log line rules out a stranger that grabbed the port after freePort (caddy then exits)
  while (!(watched.output().includes('serving initial configuration') && await accepts(port))) {
    if (watched.hasExited() || Date.now() > deadline) {
      await watched.stop()
      throw new Error(`caddy did not start listening on 127.0.0.1:${port} (exit ${child.exitCode ?? child.signalCode ?? 'none'}):\n${watched.output()}`)
    }
    await delay(25)
  }
  return { port, url: `http://127.0.0.1:${port}`, stop }
}

/**
 * The SHIPPED deploy/caddy/Caddyfile with loopback addresses: Hall's address, the protected site
 * as plain HTTP on `port` in front of the test's upstream, and the sites that need real names and
 * certificates left out. Each swap must find its text, so a change to the shipped file that the
 * tests would no longer cover fails here.
 */
function caddyfile (port: number, opts: CaddyOptions): string {
  let text = readFileSync(SHIPPED_CADDYFILE, 'utf8')
  const swap = (from: string | RegExp, to: string): void => {
    const found = typeof from === 'string' ? text.includes(from) : from.test(text)
    if (!found) throw new Error(`deploy/caddy/Caddyfile no longer contains ${String(from)}: update tests/helpers/caddy.ts`)
    text = text.replace(from, to)
  }
  swap(/forward_auth 127\.0\.0\.1:8080 \{/g, `forward_auth ${hostPort(opts.authUrl)} {`)
  if (opts.copyHeaders !== undefined) swap('copy_headers X-Hall-Server', `copy_headers ${opts.copyHeaders.join(' ')}`)
  swap(/\ntesting\.audit-io\.fr \{\n\timport hall\n\treverse_proxy https:\/\/192\.168\.1\.20:8443 \{\n\t\timport lan_upstream\n\t\}\n\}\n/,
    `\nhttp://:${port} {\n\tbind 127.0.0.1\n\timport ${opts.project === true ? 'hall_project' : 'hall'}\n\treverse_proxy ${hostPort(opts.upstream)}\n}\n`)
  swap(/\nerp\.audit-io\.fr \{[\s\S]*?\n\}\n/, '\n')
  swap(/\nacme\.testing\.audit-io\.fr \{[\s\S]*?\n\}\n/, '\n')
  if (opts.hallHost === undefined) {
    swap(/\nhall\.audit-io\.fr \{[\s\S]*?\n\}\n/, '\n')
  } else {
    swap('\nhall.audit-io.fr {\n', `\nhttp://${opts.hallHost}:${port} {\n\tbind 127.0.0.1\n`)
    swap(/\treverse_proxy 127\.0\.0\.1:8080\n/g, `\treverse_proxy ${hostPort(opts.authUrl)}\n`)
  }
  // `persist_config off` is not accepted by 2.6.2; the XDG dirs keep autosave in the temp dir
  return `{\n\tadmin off\n\tauto_https off\n}\n${text}`
}

function hostPort (url: string): string {
  const u = new URL(url)
  if (u.protocol !== 'http:') throw new Error(`caddy helper: only http:// upstreams, got ${url}`)
  return u.host
}

async function accepts (port: number): Promise<boolean> {
  return await new Promise(resolve => {
    const s = connect({ port, host: '127.0.0.1' })
    s.once('connect', () => { s.destroy(); resolve(true) })
    s.once('error', () => resolve(false))
  })
}
