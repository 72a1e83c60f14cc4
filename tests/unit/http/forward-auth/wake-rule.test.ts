import assert from 'node:assert/strict'
import test from 'node:test'
import { parseConfig } from '../../../../service/src/config/load.js'
import type { ForwardedRequest } from '../../../../service/src/http/forward-auth/forwarded.js'
import { requestRule } from '../../../../service/src/http/forward-auth/wake-rule.js'

const domainWith = (options: object) => parseConfig(JSON.stringify({
  servers: { app: { ip: '10.0.0.1', mac: '00:11:22:33:44:55' } },
  domains: { 'app.example.test': { server: 'app', upstream: 'http://10.0.0.1:8080', ...options } }
})).domains.get('app.example.test')!

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0'
const req = (patch: Partial<ForwardedRequest> = {}): ForwardedRequest => ({
  host: 'app.example.test',
  authority: 'app.example.test',
  proto: 'https',
  method: 'GET',
  uri: '/reports',
  accept: 'text/html,*/*;q=0.8',
  userAgent: FIREFOX,
  isWebsocket: false,
  ...patch
})

test('default (wake_on browser): a person loading a page wakes the server; an API call keeps it awake but does not wake it', () => {
  const d = domainWith({})
  assert.deepEqual(requestRule(d, req()), { wakes: true, counts: true, refusal: null })
  assert.deepEqual(requestRule(d, req({ accept: 'application/json' })), { wakes: false, counts: true, refusal: 'not-a-browser-navigation' })
  assert.deepEqual(requestRule(d, req({ method: 'POST' })), { wakes: false, counts: true, refusal: 'not-a-browser-navigation' })
})

test('wake_on any: every request wakes; wake_on never: none does, but traffic still keeps the server awake', () => {
  assert.deepEqual(requestRule(domainWith({ wake_on: 'any' }), req({ accept: 'application/json' })), { wakes: true, counts: true, refusal: null })
  assert.deepEqual(requestRule(domainWith({ wake_on: 'never' }), req()), { wakes: false, counts: true, refusal: 'wake-on-never' })
})

const crawlers = [
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
  'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
  'Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)',
  'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
  'WhatsApp/2.23.20.0',
  'TelegramBot (like TwitterBot)',
  'Twitterbot/1.0',
  'LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)',
  'Mastodon/4.2.0 (http.rb/5.1.1; +https://mastodon.social/)',
  'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)',
  'Mozilla/5.0 (compatible; Pinterestbot/1.0; +http://www.pinterest.com/bot.html)'
]
const monitors = [
  'Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)',
  'Uptime-Kuma/1.23.0',
  'Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)',
  'kube-probe/1.29',
  'Blackbox Exporter/0.24.0',
  'Zabbix'
]

test('crawlers, link previewers and monitors neither wake a server nor keep it awake, even asking for HTML', () => {
  const d = domainWith({ wake_on: 'any' })
  for (const ua of crawlers) assert.deepEqual(requestRule(d, req({ userAgent: ua })), { wakes: false, counts: false, refusal: 'crawler' }, ua)
  for (const ua of monitors) assert.deepEqual(requestRule(d, req({ userAgent: ua })), { wakes: false, counts: false, refusal: 'monitor' }, ua)
})

test('everyday browsers are not mistaken for crawlers', () => {
  const d = domainWith({})
  for (const ua of [
    FIREFOX,
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36',
    // a phone brand and an in-app browser, both once caught by a bare "bot" or "pinterest"
    'Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [Pinterest/iOS]'
  ]) assert.equal(requestRule(d, req({ userAgent: ua })).wakes, true, ua)
})

test('/favicon.ico and /robots.txt never wake a server, whatever their query string', () => {
  const d = domainWith({ wake_on: 'any' })
  for (const uri of ['/favicon.ico', '/robots.txt', '/favicon.ico?v=2']) {
    assert.deepEqual(requestRule(d, req({ uri })), { wakes: false, counts: false, refusal: 'housekeeping-path' }, uri)
  }
  assert.equal(requestRule(d, req({ uri: '/robots.txt.html' })).wakes, true)
})

test('ignore_user_agents: case-insensitive patterns of the domain', () => {
  const d = domainWith({ ignore_user_agents: ['^curl/', 'my-backup-script'] })
  assert.equal(requestRule(d, req({ userAgent: 'curl/8.5.0' })).refusal, 'ignored-user-agent')
  assert.equal(requestRule(d, req({ userAgent: 'My-Backup-Script/1.0' })).refusal, 'ignored-user-agent')
  assert.equal(requestRule(d, req({ userAgent: 'libcurl-agent' })).wakes, true, '"^curl/" is anchored')
})

test('a User-Agent longer than 512 characters is matched on its first 512 only', () => {
  const d = domainWith({ ignore_user_agents: ['tail-marker'] })
  assert.equal(requestRule(d, req({ userAgent: `${'x'.repeat(600)} tail-marker` })).wakes, true)
  assert.equal(requestRule(d, req({ userAgent: `tail-marker ${'x'.repeat(600)}` })).refusal, 'ignored-user-agent')
})
