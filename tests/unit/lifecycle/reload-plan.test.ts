import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseConfig } from '../../../service/src/config/load.js'
import { planReload, sameSettings } from '../../../service/src/lifecycle/reload-plan.js'

/** A full domains.json, each part overridable: every call parses a fresh, frozen config. */
function configOf ({ relayTimeout = 30, expect = 200, listed = true, ignored = ['curl'], servers = {} as Record<string, unknown> } = {}) {
  return parseConfig(JSON.stringify({
    relays: { pi: { host: '127.0.0.1', user: 'hall', private_key_file: '/nonexistent', host_key_sha256: 'insecure-accept-any', command_timeout_seconds: relayTimeout } },
    servers: {
      lab: {
        ip: '127.0.0.1',
        mac: '02:00:00:00:00:07',
        wake: { method: 'ssh', relay: 'pi', command: 'wakeonlan {mac}', broadcast: '127.0.0.1' },
        health: [{ type: 'http', url: 'http://127.0.0.1:9/health', expect_status: expect }]
      },
      ...servers
    },
    domains: { 'app.hall.test': { server: 'lab', upstream: 'http://127.0.0.1:9', listed, ignore_user_agents: ignored } }
  }))
}

const spare = { spare: { ip: '127.0.0.2', mac: '02:00:00:00:00:08' } }

const cases = [
  { name: 'the same file parsed again', next: configOf(), changed: [], added: [], removed: [] },
  { name: 'a field three levels down (the wake relay\'s command timeout)', next: configOf({ relayTimeout: 45 }), changed: ['lab'], added: [], removed: [] },
  { name: 'a value inside a list (a health check\'s expected status)', next: configOf({ expect: 204 }), changed: ['lab'], added: [], removed: [] },
  { name: 'a server added', next: configOf({ servers: spare }), changed: [], added: ['spare'], removed: [] }
]
for (const c of cases) {
  test(`reload plan: ${c.name}`, () => {
    assert.deepEqual(planReload(configOf().servers, c.next.servers), { added: c.added, removed: c.removed, changed: c.changed })
  })
}

test('reload plan: a server removed', () => {
  assert.deepEqual(planReload(configOf({ servers: spare }).servers, configOf().servers), { added: [], removed: ['spare'], changed: [] })
})

test('configs that differ only in one Map entry, or only in a RegExp, are not the same (JSON.stringify sees {} for both)', () => {
  const base = configOf()
  const unlisted = configOf({ listed: false })
  const otherAgents = configOf({ ignored: ['wget'] })
  assert.equal(sameSettings(base, configOf()), true)
  assert.equal(sameSettings(base, unlisted), false, 'a domain entry of the domains Map differs')
  assert.equal(sameSettings(base, otherAgents), false, 'a domain\'s ignore_user_agents pattern differs')
  // why not JSON.stringify: it calls both pairs equal
  assert.equal(JSON.stringify(base), JSON.stringify(unlisted))
  assert.equal(JSON.stringify(base.domains.get('app.hall.test')), JSON.stringify(otherAgents.domains.get('app.hall.test')))
})
