import { spawn, spawnSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { request } from 'undici'
import { watchChild } from './child-server.js'
import { freePort } from './free-port.js'

// Debian's nginx in front of Hall, running the SHIPPED deploy/nginx/hall.conf: only its names,
// addresses and listen lines are swapped for loopback ones, and TLS is dropped. Each swap must
// find its text, so a change to the shipped file that the tests would no longer cover fails here.

export const SHIPPED_NGINX_CONF = new URL('../../deploy/nginx/hall.conf', import.meta.url)

/** Values written in the shipped file, swapped by render. */
export const SHIPPED = {
  hall: '127.0.0.1:8080',
  domain: 'testing.audit-io.fr',
  upstream: 'https://192.168.1.20:8443',
  publicHost: 'hall.audit-io.fr',
  projectHost: 'acme.testing.audit-io.fr',
  projectUpstream: 'http://192.168.1.20:18080'
} as const

export interface NginxOptions {
  hallUrl: string // Hall's base URL, 'http://127.0.0.1:PORT'
  upstream: string // where the protected domain goes once awake, 'http://127.0.0.1:PORT'
  domain: string // stands for testing.audit-io.fr
  publicHost: string // stands for hall.audit-io.fr (Hall's own pages)
  /** The client projects' server block: these hosts stand for acme.testing.audit-io.fr, all to `upstream`. */
  projects?: { hosts: readonly string[], upstream: string }
}

export interface RunningNginx {
  /** The HTTPS servers of the shipped file, served as plain HTTP. */
  port: number
  url: string
  /** The shipped port-80 server (ACME challenges, redirect to HTTPS). */
  httpPort: number
  logs (): string
  stop (): Promise<void>
}

const START_TIMEOUT_MS = 10_000
const PROBE_HOST = 'hall-nginx-probe.invalid'

export function nginxPath (): string {
  return process.env.HALL_NGINX ?? 'nginx'
}

export function nginxAvailable (): boolean {
  return spawnSync(nginxPath(), ['-v'], { stdio: 'ignore' }).status === 0
}

/** The shipped file with loopback names, addresses and ports. */
export function renderShippedConf (opts: NginxOptions, ports: { port: number, httpPort: number }): string {
  let text = readFileSync(SHIPPED_NGINX_CONF, 'utf8')
  const swap = (from: string | RegExp, to: string): void => {
    const pattern = typeof from === 'string' ? new RegExp(escape(from), 'g') : from
    if (text.match(pattern) === null) throw new Error(`deploy/nginx/hall.conf no longer contains ${String(from)}: update tests/helpers/nginx.ts`)
    text = text.replace(pattern, to)
  }
  // before the domain's swap, whose name this one ends with
  if (opts.projects !== undefined) {
    swap(SHIPPED.projectHost, opts.projects.hosts.join(' '))
    swap(SHIPPED.projectUpstream, opts.projects.upstream.replace(/\/+$/, ''))
  }
  swap(/^\s*listen \[::\]:\d+[^;]*;\n/gm, '') // loopback IPv4 only
  swap(/^\s*ssl_certificate(_key)? [^;]+;\n/gm, '')
  swap(/listen 443 ssl http2;/g, `listen 127.0.0.1:${ports.port};`)
  swap(/listen 80;/g, `listen 127.0.0.1:${ports.httpPort};`)
  swap(SHIPPED.hall, new URL(opts.hallUrl).host)
  swap(SHIPPED.upstream, opts.upstream.replace(/\/+$/, ''))
  swap(SHIPPED.domain, opts.domain)
  swap(SHIPPED.publicHost, opts.publicHost)
  return text
}

/** A main nginx.conf for one foreground process whose every path is inside `dir`. */
function mainConf (dir: string, ports: { port: number, httpPort: number }, token: string): string {
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map(t => `    ${t}_temp_path ${join(dir, 'temp', t)};`).join('\n')
  // master_process off: one process that keeps the caller's user (root in CI would otherwise
  // hand requests to workers running as nobody, who cannot write into this temp dir)
  return `daemon off;
master_process off;
pid ${join(dir, 'nginx.pid')};
error_log stderr notice;
events { worker_connections 256; }
http {
    access_log ${join(dir, 'access.log')};
${temp}
    include ${join(dir, 'hall.conf')};
    # tells this nginx from a stranger that took the port between freePort and bind
    server {
        listen 127.0.0.1:${ports.port};
        listen 127.0.0.1:${ports.httpPort};
        server_name ${PROBE_HOST};
        location = /probe { return 200 '${token}'; }
    }
}
`
}

export async function startNginx (opts: NginxOptions): Promise<RunningNginx> {
  // freePort closes its socket before nginx binds, so another process may win the port: retry
  for (let attempt = 1; ; attempt++) {
    const dir = await mkdtemp(join(tmpdir(), 'hall-nginx-'))
    try {
      return await launch(dir, { port: await freePort(), httpPort: await freePort() }, opts)
    } catch (err) {
      await rm(dir, { recursive: true, force: true })
      if (attempt >= 3 || !/address already in use/i.test(String(err))) throw err
    }
  }
}

async function launch (dir: string, ports: { port: number, httpPort: number }, opts: NginxOptions): Promise<RunningNginx> {
  const token = randomUUID()
  await mkdir(join(dir, 'temp'))
  await writeFile(join(dir, 'hall.conf'), renderShippedConf(opts, ports))
  await writeFile(join(dir, 'nginx.conf'), mainConf(dir, ports, token))
  // -e: errors before the config is read go to stderr, not to /var/log/nginx
  const child = spawn(nginxPath(), ['-e', 'stderr', '-p', `${dir}/`, '-c', join(dir, 'nginx.conf')], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
  const watched = watchChild(child)
  const logs = (): string => {
    let access = ''
    try { access = readFileSync(join(dir, 'access.log'), 'utf8') } catch {}
    return `${watched.output()}--- access log ---\n${access}`
  }

  let stopping: Promise<void> | undefined
  const stop = async (): Promise<void> => {
    stopping ??= (async () => {
      await watched.stop()
      await rm(dir, { recursive: true, force: true })
    })()
    await stopping
  }

  const deadline = Date.now() + START_TIMEOUT_MS
  while (!(await answers(ports.port, token) && await answers(ports.httpPort, token))) {
    if (watched.hasExited() || Date.now() > deadline) {
      await watched.stop()
      throw new Error(`nginx did not start on 127.0.0.1:${ports.port} and :${ports.httpPort} (exit ${child.exitCode ?? child.signalCode ?? 'none'}):\n${watched.output()}`)
    }
    await delay(25)
  }
  return { port: ports.port, url: `http://127.0.0.1:${ports.port}`, httpPort: ports.httpPort, logs, stop }
}

async function answers (port: number, token: string): Promise<boolean> {
  try {
    const res = await request(`http://127.0.0.1:${port}/probe`, { headers: { host: PROBE_HOST }, signal: AbortSignal.timeout(1000) })
    return res.statusCode === 200 && await res.body.text() === token
  } catch {
    return false
  }
}

function escape (text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
