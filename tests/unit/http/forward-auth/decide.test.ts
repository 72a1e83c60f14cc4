import assert from 'node:assert/strict'
import test from 'node:test'
import { parseConfig } from '../../../../service/src/config/load.js'
import { decide, RETRY_AFTER_SECONDS } from '../../../../service/src/http/forward-auth/decide.js'
import { readForwarded, type ForwardedRequest } from '../../../../service/src/http/forward-auth/forwarded.js'
import { isSafeReturnUrl } from '../../../../service/src/http/forward-auth/return-url.js'
import type { DomainView } from '../../../../service/src/lifecycle/fleet.js'
import { phases, type Phase } from '../../../../service/src/lifecycle/states.js'

const PUBLIC_URL = 'https://hall.example.test'
const HOST = 'app.example.test'

const config = parseConfig(JSON.stringify({
  servers: { app: { ip: '10.0.0.1', mac: '00:11:22:33:44:55' } },
  domains: { [HOST]: { server: 'app', upstream: 'http://10.0.0.1:8080' } }
}))
const view = (phase: Phase): DomainView => ({ domain: config.domains.get(HOST)!, server: config.servers.get('app')!, phase })

const request = (patch: Partial<ForwardedRequest> = {}): ForwardedRequest => ({
  host: HOST,
  authority: `${HOST}:8443`,
  proto: 'https',
  method: 'GET',
  uri: '/reports?month=2024-05&q=a b',
  accept: 'text/html,application/xhtml+xml,*/*;q=0.8',
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0',
  isWebsocket: false,
  ...patch
})

const waitingUrl = `${PUBLIC_URL}/waiting/${HOST}?to=${encodeURIComponent(`https://${HOST}:8443/reports?month=2024-05&q=a b`)}`

const kinds: Array<{ name: string, req: ForwardedRequest, browser: boolean }> = [
  { name: 'browser GET', req: request(), browser: true },
  { name: 'browser HEAD', req: request({ method: 'HEAD' }), browser: true },
  { name: 'form POST', req: request({ method: 'POST' }), browser: false },
  { name: 'fetch accepting JSON', req: request({ accept: 'application/json' }), browser: false },
  { name: 'no Accept header', req: request({ accept: '' }), browser: false },
  { name: 'websocket upgrade accepting HTML', req: request({ isWebsocket: true }), browser: false }
]

for (const phase of phases) {
  for (const kind of kinds) {
    test(`decide: ${phase} x ${kind.name}`, () => {
      const decision = decide(view(phase), kind.req, PUBLIC_URL)
      if (phase === 'RUNNING' || phase === 'IDLE') {
        assert.deepEqual(decision, { kind: 'pass', server: 'app', counts: true })
        return
      }
      // not serving: a browser navigation asks for a wake unless one is visibly under way (the
      // supervisor decides the rest); by default nothing else may wake a server
      if (kind.browser) {
        assert.deepEqual(decision, { kind: 'redirect', location: waitingUrl, wake: phase !== 'WAKING', counts: true })
      } else {
        assert.deepEqual(decision, {
          kind: 'unavailable', domain: HOST, state: phase, retryAfterSeconds: RETRY_AFTER_SECONDS, wake: false, counts: true, refusal: 'not-a-browser-navigation'
        })
      }
    })
  }
}

test('decide: OFFLINE browser navigation -> 302 Location to the waiting page, and a wake', () => {
  const decision = decide(view('OFFLINE'), request({ authority: HOST, proto: 'http', uri: '/a?b=1&c=%2F' }), PUBLIC_URL)
  assert.deepEqual(decision, {
    kind: 'redirect',
    location: 'https://hall.example.test/waiting/app.example.test?to=http%3A%2F%2Fapp.example.test%2Fa%3Fb%3D1%26c%3D%252F',
    wake: true,
    counts: true
  })
})

test('decide: the original URL in Location passes the waiting page\'s open-redirect check', () => {
  const decision = decide(view('OFFLINE'), request(), PUBLIC_URL)
  assert.equal(decision.kind, 'redirect')
  const location = new URL(decision.kind === 'redirect' ? decision.location : '')
  assert.equal(location.origin, PUBLIC_URL)
  assert.equal(location.pathname, `/waiting/${HOST}`)
  assert.equal(location.searchParams.get('to'), `https://${HOST}:8443/reports?month=2024-05&q=a b`)
})

test('decide: a websocket is never redirected, whatever it accepts', () => {
  for (const phase of phases) {
    const decision = decide(view(phase), request({ isWebsocket: true, accept: 'text/html' }), PUBLIC_URL)
    assert.notEqual(decision.kind, 'redirect', phase)
  }
})

test('decide: no usable Host -> no-host, even before looking at the domain', () => {
  assert.deepEqual(decide(view('OFFLINE'), request({ host: null, authority: null }), PUBLIC_URL), { kind: 'no-host' })
  assert.deepEqual(decide(undefined, request({ host: null, authority: null }), PUBLIC_URL), { kind: 'no-host' })
})

test('decide: a host Hall does not front -> unknown-domain, never a pass', () => {
  assert.deepEqual(decide(undefined, request({ host: 'other.example.test' }), PUBLIC_URL), { kind: 'unknown-domain', host: 'other.example.test' })
})

test('decide (from headers): a browser listing text/html second still gets the waiting page', () => {
  const req = readForwarded({
    'x-forwarded-host': HOST,
    'x-forwarded-uri': '/',
    accept: 'application/xhtml+xml,text/html;q=0.9,*/*;q=0.8'
  })
  assert.equal(decide(view('OFFLINE'), req, PUBLIC_URL).kind, 'redirect')
})

// The return URL decide builds from the proxy's headers must pass the waiting page's check of
// `to`, or the browser loses its path and lands on the domain's root.
const returns: Array<{ name: string, host: string, uri: string, to: string }> = [
  { name: 'host with a port', host: `${HOST}:8443`, uri: '/a?b=1', to: `https://${HOST}:8443/a?b=1` },
  { name: 'trailing dot', host: `${HOST}.`, uri: '/a?b=1', to: `https://${HOST}/a?b=1` },
  { name: 'trailing dot and a port', host: `${HOST}.:8443`, uri: '/a', to: `https://${HOST}:8443/a` },
  { name: 'upper case, trailing dot', host: 'APP.Example.TEST.', uri: '/a', to: `https://${HOST}/a` },
  { name: 'port out of range: no port', host: `${HOST}:99999`, uri: '/a', to: `https://${HOST}/a` },
  { name: 'port 0: no port', host: `${HOST}:0`, uri: '/a', to: `https://${HOST}/a` },
  { name: 'non-numeric port: no port', host: `${HOST}:https`, uri: '/a', to: `https://${HOST}/a` },
  { name: 'empty port: no port', host: `${HOST}:`, uri: '/a', to: `https://${HOST}/a` },
  { name: 'leading zeros in the port', host: `${HOST}:08443`, uri: '/a', to: `https://${HOST}:8443/a` },
  // node hands header bytes over as latin1: raw UTF-8 "/café" arrives as "/cafÃ©"
  { name: 'raw UTF-8 in the path', host: HOST, uri: Buffer.from('/café?q=été', 'utf8').toString('latin1'), to: `https://${HOST}/caf%C3%A9?q=%C3%A9t%C3%A9` },
  { name: 'raw bytes that are not UTF-8 keep their value', host: HOST, uri: '/caf\xe9', to: `https://${HOST}/caf%E9` },
  { name: 'already percent-encoded: unchanged', host: HOST, uri: '/caf%C3%A9', to: `https://${HOST}/caf%C3%A9` }
]
for (const c of returns) {
  test(`decide: return URL, ${c.name} -> ${c.to}, accepted by the waiting page`, () => {
    const decision = decide(view('OFFLINE'), readForwarded({ 'x-forwarded-host': c.host, 'x-forwarded-uri': c.uri, accept: 'text/html' }), PUBLIC_URL)
    assert.equal(decision.kind, 'redirect')
    const to = new URL(decision.kind === 'redirect' ? decision.location : '').searchParams.get('to')
    assert.equal(to, c.to)
    assert.equal(isSafeReturnUrl(HOST, to!), true, 'the waiting page keeps it')
  })
}
