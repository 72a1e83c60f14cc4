import test from 'node:test'
import assert from 'node:assert/strict'
import { cookieForProject } from '../../../../service/src/http/forward-auth/project-cookie.js'

const cases: Array<[string, string | string[] | undefined, string | null]> = [
  ['no Cookie header: nothing to hand back', undefined, null],
  ['the app\'s own cookies pass as they came', 'theme=dark; lang=fr', 'theme=dark; lang=fr'],
  ['the portal\'s session (http name) is taken out', 'theme=dark; hall_portal=abc; lang=fr', 'theme=dark; lang=fr'],
  ['the portal\'s session (https name) is taken out', '__Secure-hall_portal=abc; theme=dark', 'theme=dark'],
  ['only the session: an empty header, which replaces the request\'s', 'hall_portal=abc', ''],
  ['spacing does not hide it', 'theme=dark;hall_portal=abc ;  lang=fr', 'theme=dark; lang=fr'],
  ['a cookie whose value mentions it stays', 'note=hall_portal=x', 'note=hall_portal=x'],
  ['a lookalike name stays', 'my_hall_portal=1; hall_portal_login=2', 'my_hall_portal=1; hall_portal_login=2'],
  ['sent twice, both go', 'hall_portal=a; x=1; hall_portal=b', 'x=1'],
  ['split over two headers', ['x=1', 'hall_portal=a'], 'x=1']
]
for (const [name, header, expected] of cases) {
  test(`cookieForProject: ${name}`, () => {
    assert.equal(cookieForProject(header), expected)
  })
}

test('cookieForProject: a long header (not memoised) is filtered the same way', () => {
  const filler = Array.from({ length: 100 }, (_, i) => `c${i}=${'v'.repeat(20)}`).join('; ')
  assert.equal(cookieForProject(`${filler}; hall_portal=abc`), filler)
})
