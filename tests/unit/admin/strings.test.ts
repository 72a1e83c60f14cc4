import assert from 'node:assert/strict'
import { test } from 'node:test'
import { adminMessages } from '../../../service/src/http/admin/views/strings.js'

// The admin's French and English: the same keys, the same placeholders, nothing left untranslated.

function leaves (value: unknown, path = ''): Array<[string, string]> {
  if (typeof value === 'string') return [[path, value]]
  return Object.entries(value as object).flatMap(([k, v]) => leaves(v, path === '' ? k : `${path}.${k}`))
}

const placeholders = (s: string): string[] => [...s.matchAll(/\{(\w+)\}/g)].map(m => m[1]!).sort()

test('French has every English key and no other', () => {
  assert.deepEqual(leaves(adminMessages.fr).map(([k]) => k), leaves(adminMessages.en).map(([k]) => k))
})

test('each French string has the placeholders of its English one', () => {
  const fr = new Map(leaves(adminMessages.fr))
  for (const [key, text] of leaves(adminMessages.en)) assert.deepEqual(placeholders(fr.get(key)!), placeholders(text), key)
})

test('the sentences are translated (only names, codes and symbols may read the same)', () => {
  const fr = new Map(leaves(adminMessages.fr))
  const same = leaves(adminMessages.en).filter(([key, text]) => fr.get(key) === text && /[a-z]{4,} [a-z]{3,}/i.test(text))
  assert.deepEqual(same, [])
})
