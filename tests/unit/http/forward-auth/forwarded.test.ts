import assert from 'node:assert/strict'
import type { IncomingHttpHeaders } from 'node:http'
import test from 'node:test'
import { readForwarded } from '../../../../service/src/http/forward-auth/forwarded.js'

const withHost = (extra: IncomingHttpHeaders = {}): IncomingHttpHeaders => ({ 'x-forwarded-host': 'app.example.test', ...extra })

test('forwarded: a typical Traefik request', () => {
  assert.deepEqual(readForwarded({
    'x-forwarded-host': 'App.Example.TEST:8443',
    'x-forwarded-proto': 'https',
    'x-forwarded-method': 'get',
    'x-forwarded-uri': '/reports?month=2024-05',
    accept: 'text/html',
    'user-agent': 'Mozilla/5.0 Firefox/140.0'
  }), {
    host: 'app.example.test',
    authority: 'app.example.test:8443',
    proto: 'https',
    method: 'GET',
    uri: '/reports?month=2024-05',
    accept: 'text/html',
    userAgent: 'Mozilla/5.0 Firefox/140.0',
    isWebsocket: false
  })
})

test('forwarded: no headers at all -> no host, safe defaults', () => {
  assert.deepEqual(readForwarded({}), {
    host: null, authority: null, proto: 'https', method: 'GET', uri: '/', accept: '', userAgent: '', isWebsocket: false
  })
})

// authority: what the original URL is rebuilt with (host, and the port only when it is one)
const hosts: Array<{ name: string, value: string | string[], host: string | null, authority?: string }> = [
  { name: 'lower-cased', value: 'APP.Example.Test', host: 'app.example.test', authority: 'app.example.test' },
  { name: 'port kept apart', value: 'app.example.test:8443', host: 'app.example.test', authority: 'app.example.test:8443' },
  { name: 'a 16 KB header is no host (and is never cached)', value: `${'a.'.repeat(8192)}example.test`, host: null },
  { name: 'surrounding spaces', value: '  app.example.test  ', host: 'app.example.test', authority: 'app.example.test' },
  { name: 'trailing dot', value: 'app.example.test.', host: 'app.example.test', authority: 'app.example.test' },
  { name: 'trailing dot and a port', value: 'App.Example.Test.:8443', host: 'app.example.test', authority: 'app.example.test:8443' },
  { name: 'port out of range', value: 'app.example.test:99999', host: 'app.example.test', authority: 'app.example.test' },
  { name: 'port 0', value: 'app.example.test:0', host: 'app.example.test', authority: 'app.example.test' },
  { name: 'non-numeric port', value: 'app.example.test:abc', host: 'app.example.test', authority: 'app.example.test' },
  { name: 'empty port', value: 'app.example.test:', host: 'app.example.test', authority: 'app.example.test' },
  { name: 'two ports', value: 'app.example.test:80:81', host: 'app.example.test', authority: 'app.example.test' },
  { name: 'leading zeros in the port', value: 'app.example.test:08443', host: 'app.example.test', authority: 'app.example.test:8443' },
  { name: 'array: first value', value: ['a.example.test', 'b.example.test'], host: 'a.example.test' },
  { name: 'comma list: first value', value: 'a.example.test, b.example.test', host: 'a.example.test' },
  { name: 'empty', value: '', host: null },
  { name: 'two trailing dots', value: 'app.example.test..', host: null },
  { name: 'with a path', value: 'evil.test/path', host: null },
  { name: 'with spaces inside', value: 'evil test', host: null },
  { name: 'markup', value: '<script>', host: null },
  { name: 'user info', value: 'app.example.test@evil.test', host: null },
  { name: 'IPv6 literal', value: '[::1]:8443', host: null },
  { name: 'underscore', value: 'app_1.example.test', host: null },
  { name: 'label starting with "-"', value: '-app.example.test', host: null },
  { name: 'too long', value: `${'a'.repeat(60)}.`.repeat(5) + 'test', host: null }
]
for (const c of hosts) {
  test(`forwarded host: ${c.name} -> ${String(c.host)}`, () => {
    const req = readForwarded({ 'x-forwarded-host': c.value })
    assert.equal(req.host, c.host)
    if (c.host === null) assert.equal(req.authority, null)
    if (c.authority !== undefined) assert.equal(req.authority, c.authority)
  })
}

const uris: Array<{ name: string, value: string | undefined, uri: string }> = [
  { name: 'missing', value: undefined, uri: '/' },
  { name: 'path and query kept', value: '/a/b?c=d#e', uri: '/a/b?c=d#e' },
  { name: 'protocol-relative', value: '//evil.test/x', uri: '/' },
  { name: 'absolute URL', value: 'https://evil.test/', uri: '/' },
  { name: 'no leading slash', value: 'evil.test', uri: '/' },
  { name: 'backslash', value: '/\\evil.test', uri: '/' },
  { name: 'space', value: '/a b', uri: '/' },
  { name: 'newline', value: '/a\nLocation: https://evil.test/', uri: '/' },
  // node reads header bytes as latin1: raw UTF-8 "/café" arrives as "/cafÃ©"
  { name: 'raw UTF-8: its bytes percent-encoded', value: Buffer.from('/café?q=à', 'utf8').toString('latin1'), uri: '/caf%C3%A9?q=%C3%A0' },
  { name: 'a raw byte that is not UTF-8 keeps its value', value: '/caf\xe9', uri: '/caf%E9' },
  { name: 'percent-encoded already: unchanged', value: '/caf%C3%A9', uri: '/caf%C3%A9' }
]
for (const c of uris) {
  test(`forwarded uri: ${c.name} -> ${c.uri}`, () => {
    assert.equal(readForwarded(withHost(c.value === undefined ? {} : { 'x-forwarded-uri': c.value })).uri, c.uri)
  })
}

// Commas are legal in a path and a query string; only list-valued headers (Host, Proto) are split.
test('forwarded uri: a comma in the query is kept (the user returns to the page they asked for)', () => {
  assert.equal(readForwarded(withHost({ 'x-forwarded-uri': '/search?ids=1,2,3' })).uri, '/search?ids=1,2,3')
})

test('forwarded accept: the whole header is kept, not only its first media type', () => {
  assert.equal(readForwarded(withHost({ accept: 'application/xhtml+xml,text/html;q=0.9' })).accept, 'application/xhtml+xml,text/html;q=0.9')
})

const protos: Array<{ value: string | undefined, proto: 'http' | 'https' }> = [
  { value: undefined, proto: 'https' },
  { value: 'http', proto: 'http' },
  { value: 'HTTP', proto: 'http' },
  { value: 'https', proto: 'https' },
  { value: 'http, https', proto: 'http' },
  { value: 'ws', proto: 'http' },
  { value: 'wss', proto: 'https' },
  { value: 'gopher', proto: 'https' }
]
for (const c of protos) {
  test(`forwarded proto: ${String(c.value)} -> ${c.proto}`, () => {
    assert.equal(readForwarded(withHost(c.value === undefined ? {} : { 'x-forwarded-proto': c.value })).proto, c.proto)
  })
}

test('forwarded method: upper-cased and trimmed, GET by default', () => {
  assert.equal(readForwarded(withHost({ 'x-forwarded-method': 'post' })).method, 'POST')
  assert.equal(readForwarded(withHost({ 'x-forwarded-method': ' head ' })).method, 'HEAD')
  assert.equal(readForwarded(withHost()).method, 'GET')
})

const websockets: Array<{ name: string, headers: IncomingHttpHeaders, ws: boolean }> = [
  { name: 'plain request', headers: {}, ws: false },
  { name: 'Sec-WebSocket-Key (Traefik strips Upgrade)', headers: { 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' }, ws: true },
  { name: 'Upgrade: websocket', headers: { upgrade: 'websocket' }, ws: true },
  { name: 'Upgrade: WebSocket (any case)', headers: { upgrade: 'WebSocket' }, ws: true },
  { name: 'Upgrade: h2c', headers: { upgrade: 'h2c' }, ws: false },
  { name: 'proto ws', headers: { 'x-forwarded-proto': 'ws' }, ws: true },
  { name: 'proto wss', headers: { 'x-forwarded-proto': 'wss' }, ws: true }
]
for (const c of websockets) {
  test(`forwarded websocket: ${c.name} -> ${String(c.ws)}`, () => {
    assert.equal(readForwarded(withHost(c.headers)).isWebsocket, c.ws)
  })
}
