import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { request } from 'undici'

/**
 * A tiny stand-in for Traefik, for `hall demo` only: asks Hall's forward-auth about each request,
 * then either relays Hall's answer (302 to the waiting page, 503) or proxies to the upstream.
 */
export interface DemoProxyOptions { port: number, hallUrl: string, upstreams: ReadonlyMap<string, string> }

export async function startDemoProxy (opts: DemoProxyOptions): Promise<Server> {
  const server = createServer((req, res) => {
    handle(req, res, opts).catch(err => {
      res.writeHead(502, { 'content-type': 'text/plain' }).end(`demo proxy: ${(err as Error).message}\n`)
    })
  })
  await new Promise<void>(resolve => server.listen(opts.port, '127.0.0.1', resolve))
  return server
}

async function handle (req: IncomingMessage, res: ServerResponse, opts: DemoProxyOptions): Promise<void> {
  const host = (req.headers.host ?? '').replace(/:\d+$/, '')
  const auth = await request(`${opts.hallUrl}/forward-auth`, {
    headers: {
      accept: req.headers.accept ?? '*/*',
      'user-agent': req.headers['user-agent'] ?? '',
      'x-forwarded-host': req.headers.host ?? '',
      'x-forwarded-uri': req.url ?? '/',
      'x-forwarded-method': req.method ?? 'GET',
      'x-forwarded-proto': 'http'
    }
  })
  const upstream = opts.upstreams.get(host)
  if (auth.statusCode < 200 || auth.statusCode > 299 || upstream === undefined) {
    res.writeHead(auth.statusCode, pick(auth.headers, ['location', 'retry-after', 'content-type']))
    res.end(Buffer.from(await auth.body.arrayBuffer()))
    return
  }
  await auth.body.dump()
  const answer = await request(`${upstream}${req.url ?? '/'}`, { method: req.method as 'GET', headers: { accept: req.headers.accept ?? '*/*' } })
  res.writeHead(answer.statusCode, pick(answer.headers, ['content-type', 'location']))
  res.end(Buffer.from(await answer.body.arrayBuffer()))
}

function pick (headers: Record<string, string | string[] | undefined>, names: string[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  for (const name of names) if (headers[name] !== undefined) out[name] = headers[name]
  return out
}
