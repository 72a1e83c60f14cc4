import assert from 'node:assert/strict'
import { request as httpRequest, type IncomingMessage } from 'node:http'
import test from 'node:test'
import { ADMIN, browser, pagesRig, VIEWER } from './pages-harness.js'

// The overview's cards, the manual wake and shutdown, and their live updates, through the
// admin plugin in a Fastify app with the auth scope's guarantees stood in for.

const cardOf = (html: string, server: string): string => {
  const start = html.indexOf(`data-server="${server}"`)
  assert.ok(start >= 0, `a card for ${server}`)
  return html.slice(start, html.indexOf('</article>', start))
}

test('overview: one card per server with its state, policy and domains; an admin gets Wake and Shut down forms with the token', async (t) => {
  const rig = await pagesRig(t)
  const page = await browser(rig.app, ADMIN).get('/admin/')
  assert.equal(page.status, 200)
  assert.match(String(page.headers['content-type']), /^text\/html/)
  assert.equal(page.headers['cache-control'], 'no-store')
  const lab = cardOf(page.body, 'lab')
  assert.match(page.body, /<article class="server-card" id="server-lab" data-server="lab" data-state="OFFLINE"/)
  assert.match(lab, /class="badge badge-offline" data-field="state">Asleep</)
  assert.match(lab, /On demand/)
  assert.match(lab, /app\.hall\.test/)
  assert.match(lab, /<form method="post" action="\/admin\/servers\/lab\/wake"[^>]*data-confirm="Wake lab now\?">/)
  assert.match(lab, /<input type="hidden" name="_csrf" value="[^"]+">/)
  assert.match(lab, /aria-label="Wake lab"/)
  // asleep: nothing to shut down, and nothing refused either
  assert.match(lab, /data-action="shutdown"[^>]* hidden>/)
  assert.match(page.body, /data-server="always" data-state="RUNNING"/)
  assert.match(page.body, /<a href="\/admin\/accounts">Accounts<\/a>/)
})

test('overview: a shutdown the API would refuse says why on the card, and offers no button', async (t) => {
  const rig = await pagesRig(t)
  const page = await browser(rig.app, ADMIN).get('/admin/')
  const always = cardOf(page.body, 'always')
  assert.match(always, /<p data-field="refusal" class="refusal">No shutdown: its policy is always on/)
  assert.match(always, /data-action="shutdown"[^>]* hidden>/)
  const office = cardOf(page.body, 'office')
  assert.match(office, /No shutdown: its schedule window is open/)
  assert.match(office, /Schedule window open; it closes at 2026-11-26 19:00\./)
})

test('overview for a viewer: the same cards, no form at all, no accounts link; in French', async (t) => {
  const rig = await pagesRig(t)
  const page = await browser(rig.app, VIEWER).get('/admin/', { 'accept-language': 'fr-FR,fr;q=0.9' })
  assert.equal(page.status, 200)
  assert.match(page.body, /<html lang="fr">/)
  assert.equal(page.headers['content-language'], 'fr')
  assert.match(cardOf(page.body, 'lab'), /En veille/)
  assert.match(page.body, /À la demande/)
  assert.doesNotMatch(page.body, /data-action=/)
  assert.doesNotMatch(page.body, /\/admin\/servers\/lab\/wake/)
  assert.doesNotMatch(page.body, /href="\/admin\/accounts"/)
  assert.match(page.body, /lecteur, lecture seule/)
})

test('a viewer\'s wake or shutdown is 403 even with a good token, and nothing happens', async (t) => {
  const rig = await pagesRig(t)
  const viewer = browser(rig.app, VIEWER)
  await viewer.get('/admin/')
  for (const action of ['wake', 'shutdown']) {
    const res = await viewer.post(`/admin/servers/lab/${action}`, { confirm: 'yes' })
    assert.equal(res.status, 403, action)
    assert.equal(JSON.parse(res.body).error, 'HALL_ERR_ADMIN_FORBIDDEN')
  }
  await rig.advance(1000)
  assert.equal(rig.fleet.supervisor('lab')?.state().phase, 'OFFLINE')
  assert.deepEqual(rig.audits, [])
})

test('a form without its token is refused before the handler', async (t) => {
  const rig = await pagesRig(t)
  const admin = browser(rig.app, ADMIN)
  await admin.get('/admin/')
  const res = await admin.post('/admin/servers/lab/wake', { confirm: 'yes', _csrf: '' })
  assert.equal(res.status, 403)
  assert.equal(rig.fleet.supervisor('lab')?.state().wake, null)
})

test('wake without JavaScript: a confirmation page, then the wake, then the overview saying so', async (t) => {
  const rig = await pagesRig(t)
  const admin = browser(rig.app, ADMIN)
  await admin.get('/admin/')
  const ask = await admin.post('/admin/servers/lab/wake')
  assert.equal(ask.status, 200)
  assert.match(ask.body, /<p class="question">Wake lab now\?<\/p>/)
  assert.match(ask.body, /<form method="post" action="\/admin\/servers\/lab\/wake"/)
  assert.match(ask.body, /<input type="hidden" name="confirm" value="yes">/)
  assert.equal(rig.fleet.supervisor('lab')?.state().wake, null, 'asking is not doing')

  const done = await admin.post('/admin/servers/lab/wake', { confirm: 'yes' })
  assert.equal(done.status, 303)
  const location = String(done.headers.location)
  assert.match(location, /^\/admin\/\?done=wake&outcome=started&server=lab&state=WAKING#server-lab$/)
  assert.equal(rig.audits.length, 1)
  const [audit] = rig.audits
  assert.equal(audit?.kind, 'admin-wake')
  assert.equal(audit?.account, 'alice')
  assert.equal(audit?.details.server, 'lab')
  assert.equal(typeof audit?.details.wakeId, 'number', 'the auth side names the account on this wake\'s row')
  assert.equal(rig.store.wakes.latest('lab')?.trigger, 'api')

  const after = await admin.get(location)
  assert.match(after.body, /<p class="notice" role="status">Wake of lab started\.<\/p>/)
  assert.match(cardOf(after.body, 'lab'), /data-field="steps">/, 'the wake under way shows its steps')
  await rig.advance(3000)
  assert.equal(rig.fleet.supervisor('lab')?.state().phase, 'RUNNING')
})

test('wake and shutdown from the script: JSON with the outcome in words; a refused shutdown says why', async (t) => {
  const rig = await pagesRig(t)
  const admin = browser(rig.app, ADMIN)
  await admin.get('/admin/', { 'accept-language': 'fr' })
  const json = { accept: 'application/json', 'accept-language': 'fr' }
  const wake = await admin.post('/admin/servers/lab/wake', { confirm: 'yes' }, json)
  assert.equal(wake.status, 200)
  assert.deepEqual({ ...JSON.parse(wake.body), id: null }, { server: 'lab', action: 'wake', outcome: 'started', id: null, phase: 'WAKING', reason: null, message: 'Réveil de lab lancé.' })
  const again = JSON.parse((await admin.post('/admin/servers/lab/wake', { confirm: 'yes' }, json)).body)
  assert.equal(again.outcome, 'in-flight')
  assert.equal(rig.audits.at(-1)?.details.wakeId, undefined, 'the wake under way keeps the requester it had')
  const refused = JSON.parse((await admin.post('/admin/servers/always/shutdown', { confirm: 'yes' }, json)).body)
  assert.equal(refused.outcome, 'refused')
  assert.match(refused.reason, /always_on/)
  assert.equal(rig.audits.at(-1)?.kind, 'admin-shutdown-refused')
  const unknown = await admin.post('/admin/servers/nope/wake', { confirm: 'yes' })
  assert.equal(unknown.status, 404)
})

test('a crafted notice link says nothing it was not given by Hall', async (t) => {
  const rig = await pagesRig(t)
  const admin = browser(rig.app, ADMIN)
  for (const query of ['done=wake&outcome=started&server=%3Cb%3Ex&state=WAKING', 'done=wake&outcome=hacked&server=lab&state=WAKING', 'done=wake&outcome=started&server=lab&state=PWNED']) {
    const page = await admin.get(`/admin/?${query}`)
    assert.equal(page.status, 200, query)
    assert.doesNotMatch(page.body, /class="notice"/, query)
  }
})

test('/admin/api/servers: every card from memory, with the server\'s clock', async (t) => {
  const rig = await pagesRig(t)
  const res = await rig.app.inject({ url: '/admin/api/servers', headers: { 'x-test-account': VIEWER } })
  assert.equal(res.statusCode, 200)
  const body = JSON.parse(res.body)
  assert.equal(body.now_ms, rig.clock.now())
  assert.deepEqual(body.cards.map((c: { server: string, state: string }) => [c.server, c.state]), [['always', 'RUNNING'], ['lab', 'OFFLINE'], ['office', 'RUNNING']])
  const lab = body.cards[1]
  assert.deepEqual(lab.actions, { wake: true, shutdown: false, shutdown_refusal: null })
  assert.equal(body.cards[0].actions.shutdown_refusal, 'always-on')
})

function readEvents (res: IncomingMessage): { next: (event: string) => Promise<Record<string, unknown>> } {
  let buffer = ''
  const waiting: Array<() => void> = []
  res.setEncoding('utf8').on('data', (chunk: string) => { buffer += chunk; for (const w of waiting.splice(0)) w() })
  return {
    async next (event) {
      for (;;) {
        const at = buffer.indexOf(`event: ${event}\ndata: `)
        if (at >= 0) {
          const end = buffer.indexOf('\n\n', at)
          if (end > 0) {
            const data = buffer.slice(at + `event: ${event}\ndata: `.length, end)
            buffer = buffer.slice(end + 2)
            return JSON.parse(data)
          }
        }
        await new Promise<void>(resolve => waiting.push(resolve))
      }
    }
  }
}

test('/admin/api/stream: every card at once, then the card that changed, as the wake goes on', async (t) => {
  const rig = await pagesRig(t)
  await rig.app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = rig.app.server.address() as { port: number }
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/admin/api/stream', headers: { 'x-test-account': VIEWER } }, resolve)
    req.on('error', reject)
    req.end()
    t.after(() => req.destroy())
  })
  assert.equal(res.statusCode, 200)
  assert.match(String(res.headers['content-type']), /^text\/event-stream/)
  const stream = readEvents(res)
  const first = await stream.next('cards') as { cards: Array<{ server: string }> }
  assert.deepEqual(first.cards.map(c => c.server), ['always', 'lab', 'office'])

  rig.fleet.wakeNow('lab', 'api')
  rig.clock.advance(0) // the stream's deferred send
  const waking = (await stream.next('card')).card as { server: string, state: string, wake: { requested_at_ms: number } | null }
  assert.equal(waking.server, 'lab')
  assert.equal(waking.state, 'WAKING')
  assert.equal(waking.wake?.requested_at_ms, rig.clock.now())
  const states: string[] = []
  const following = (async () => {
    for (;;) {
      const card = (await stream.next('card')).card as { server: string, state: string }
      if (card.server !== 'lab') continue
      states.push(card.state)
      if (card.state === 'RUNNING') return
    }
  })()
  await rig.advance(5000)
  await following
  assert.equal(states.at(-1), 'RUNNING')
})

test('assets: the scripts, the stylesheet and uPlot from the installed package; any other name is a 404', async (t) => {
  const rig = await pagesRig(t)
  const get = async (file: string) => await rig.app.inject({ url: `/admin/assets/${file}`, headers: { 'x-test-account': VIEWER } })
  for (const file of ['overview.js', 'card-display.js', 'server-charts.js', 'energy-charts.js', 'chart-data.js', 'events-tail.js', 'forms.js', 'uPlot.esm.js']) {
    const res = await get(file)
    assert.equal(res.statusCode, 200, file)
    assert.match(String(res.headers['content-type']), /^text\/javascript/, file)
  }
  assert.match((await get('uPlot.esm.js')).body, /export \{ uPlot as default \}/)
  assert.match(String((await get('admin.css')).headers['content-type']), /^text\/css/)
  assert.match(String((await get('uPlot.min.css')).headers['content-type']), /^text\/css/)
  for (const file of ['nope.js', '__proto__', '..%2Fpages.ts']) assert.equal((await get(file)).statusCode, 404, file)
})
