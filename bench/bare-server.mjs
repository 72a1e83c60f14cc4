// The benchmark's baseline: a bare node:http server doing the least a forward-auth answer needs.
// It reads the forwarded headers and answers what Hall answers, with the same headers and bytes:
// 302 to the waiting page for a browser navigation (Accept: text/html), 200 otherwise, and with a
// Cookie header the request's cookies less the portal's session, as Hall hands them back for a
// client project. What it skips is Hall's own work: the trusted-proxy check, the domain lookup,
// the projects' gate, the wake rule, the counters.
// Plain JavaScript run by plain node, like the built Hall: no loader in either process.
// Usage: node bench/bare-server.mjs PUBLIC_URL; prints "listening PORT" once ready.
import { createServer } from 'node:http'

const publicUrl = process.argv[2] ?? 'https://hall.bench.test'

const server = createServer((req, res) => {
  const host = req.headers['x-forwarded-host'] ?? ''
  const accept = req.headers.accept ?? ''
  if (accept.includes('text/html')) {
    const proto = req.headers['x-forwarded-proto'] ?? 'https'
    const uri = req.headers['x-forwarded-uri'] ?? '/'
    const location = `${publicUrl}/waiting/${encodeURIComponent(host)}?to=${encodeURIComponent(`${proto}://${host}${uri}`)}`
    res.writeHead(302, ['cache-control', 'no-store', 'content-length', '0', 'location', location])
  } else {
    const headers = ['cache-control', 'no-store', 'content-length', '0', 'x-hall-server', 'bare']
    const cookie = req.headers.cookie
    if (cookie !== undefined) headers.push('cookie', cookie.split(';').map(c => c.trim()).filter(c => !c.startsWith('__Secure-hall_portal=')).join('; '))
    res.writeHead(200, headers)
  }
  res.end()
})
server.keepAliveTimeout = 95_000 // as Hall's, so neither side closes idle connections differently
server.listen(0, '127.0.0.1', () => { process.stdout.write(`listening ${server.address().port}\n`) })
process.once('SIGTERM', () => {
  server.closeAllConnections()
  server.close(() => process.exit(0))
})
