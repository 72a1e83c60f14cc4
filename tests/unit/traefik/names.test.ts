import assert from 'node:assert/strict'
import test from 'node:test'
import { domainObjectNames } from '../../../service/src/traefik/names.js'

test('names read like the host, dots as dashes', () => {
  assert.deepEqual(domainObjectNames(['testing.audit-io.fr', 'erp.audit-io.fr']), new Map([
    ['erp.audit-io.fr', 'hall-erp-audit-io-fr'],
    ['testing.audit-io.fr', 'hall-testing-audit-io-fr']
  ]))
})

test('hosts that flatten to the same name are numbered in sort order, whatever order they come in', () => {
  const hosts = ['a.b.c.test', 'a-b.c.test', 'a.b-c.test', 'x.test']
  const expected = new Map([
    ['a-b.c.test', 'hall-a-b-c-test'],
    ['a.b-c.test', 'hall-a-b-c-test_2'],
    ['a.b.c.test', 'hall-a-b-c-test_3'],
    ['x.test', 'hall-x-test']
  ])
  assert.deepEqual(domainObjectNames(hosts), expected)
  assert.deepEqual(domainObjectNames([...hosts].reverse()), expected)
  assert.equal(new Set(domainObjectNames(hosts).values()).size, hosts.length)
})
