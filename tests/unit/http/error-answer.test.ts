import assert from 'node:assert/strict'
import test, { type TestContext } from 'node:test'
import Fastify, { type FastifyInstance } from 'fastify'
import { errorTable, HallError, httpStatusOf, type ErrorCode } from '../../../service/src/errors.js'
import { errorAnswerFor, replyWithError } from '../../../service/src/http/error-answer.js'

const SECRET = 'relay hall@192.168.1.2:22 rejected /run/secrets/hall_ssh_key'

test('every HallError answers with its code and its table status; a 5xx never carries its own message', () => {
  for (const code of Object.keys(errorTable) as ErrorCode[]) {
    const answer = errorAnswerFor(new HallError(code, SECRET))
    assert.equal(answer.status, httpStatusOf(code), code)
    assert.equal(answer.body.error, code)
    if (answer.status >= 500) {
      assert.equal(answer.body.message, errorTable[code].message, code)
      assert.ok(!JSON.stringify(answer.body).includes('192.168'), code)
    } else {
      assert.equal(answer.body.message, SECRET, `${code}: a 4xx message is written for the caller`)
    }
  }
})

test('anything else thrown is a bug: 500, HALL_ERR_INTERNAL, "internal error"', () => {
  for (const err of [new Error(SECRET), new TypeError('x is undefined'), SECRET, null]) {
    assert.deepEqual(errorAnswerFor(err), { status: 500, body: { error: 'HALL_ERR_INTERNAL', message: 'internal error' } })
  }
  // a status on a foreign error is not trusted: only Fastify's own request errors keep theirs
  const foreign = Object.assign(new Error(SECRET), { statusCode: 404, code: 'ENOENT' })
  assert.equal(errorAnswerFor(foreign).status, 500)
})

/** A real Fastify with the app's error wiring, so its own errors are the ones it really throws. */
function appWithErrorHandler (t: TestContext): FastifyInstance {
  const app = Fastify({ routerOptions: { maxParamLength: 16 }, frameworkErrors: replyWithError })
  app.setErrorHandler(replyWithError)
  app.get<{ Params: { name: string } }>('/servers/:name', {
    schema: { params: { type: 'object', properties: { name: { type: 'string', maxLength: 8 } } } }
  }, async (req) => { throw new HallError('HALL_ERR_SERVER_UNKNOWN', `Hall has no server named "${req.params.name}"`) })
  app.get('/relay', async () => { throw new HallError('HALL_ERR_SSH_AUTH', SECRET) })
  app.post('/small', { bodyLimit: 8 }, async () => ({}))
  t.after(async () => await app.close())
  return app
}

const cases = [
  { name: 'HallError 4xx', method: 'GET', url: '/servers/ghost', status: 404, error: 'HALL_ERR_SERVER_UNKNOWN', message: 'Hall has no server named "ghost"' },
  { name: 'HallError 5xx', method: 'GET', url: '/relay', status: 500, error: 'HALL_ERR_SSH_AUTH', message: 'internal error' },
  { name: 'schema validation', method: 'GET', url: '/servers/abcdefghij', status: 400, error: 'HALL_ERR_HTTP_BAD_REQUEST', message: 'params/name must NOT have more than 8 characters' },
  { name: 'malformed URL', method: 'GET', url: '/servers/%E0%A4%A', status: 400, error: 'HALL_ERR_HTTP_BAD_REQUEST', message: "'/servers/%E0%A4%A' is not a valid url component" },
  { name: 'parameter over the router limit', method: 'GET', url: `/servers/${'a'.repeat(17)}`, status: 400, error: 'HALL_ERR_HTTP_BAD_REQUEST', message: null },
  { name: 'body over the limit', method: 'POST', url: '/small', body: '{"a":"0123456789"}', status: 413, error: 'HALL_ERR_HTTP_BODY_TOO_LARGE', message: null }
] as const

for (const c of cases) {
  test(`error handler: ${c.name} -> ${c.status} ${c.error}`, async (t) => {
    const app = appWithErrorHandler(t)
    const res = await app.inject({ method: c.method, url: c.url, ...('body' in c ? { body: c.body, headers: { 'content-type': 'application/json' } } : {}) })
    assert.equal(res.statusCode, c.status)
    const body = res.json() as { error: string, message: string }
    assert.deepEqual(Object.keys(body), ['error', 'message'], 'the one error shape, nothing of Fastify\'s')
    assert.equal(body.error, c.error)
    if (c.message !== null) assert.equal(body.message, c.message)
    assert.ok(!res.body.includes('192.168'))
  })
}
