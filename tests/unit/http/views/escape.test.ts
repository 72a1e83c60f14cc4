import assert from 'node:assert/strict'
import { test } from 'node:test'
import { escapeHtml, jsonForScript } from '../../../../service/src/http/views/escape.js'

const hostile = {
  closeTag: '</script><script>alert(1)</script>',
  comment: '<!-- <script>',
  ampersand: 'a &amp; b',
  separators: 'line\u2028para\u2029end',
  quotes: '"\'`'
}

test('jsonForScript: nothing in the block can close it or open a comment, and it parses back unchanged', () => {
  const json = jsonForScript(hostile)
  assert.doesNotMatch(json, /[<>&\u2028\u2029]/)
  assert.deepEqual(JSON.parse(json), hostile)
})

test('escapeHtml: text and quoted attributes', () => {
  assert.equal(escapeHtml('<a href="x" title=\'y\'>&</a>'), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;')
})
