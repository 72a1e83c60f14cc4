import assert from 'node:assert/strict'
import { test } from 'node:test'
import { negotiateLanguage } from '../../../service/src/http/i18n.js'
import { renderHomePage } from '../../../service/src/http/views/home.js'

const cases: Array<{ header: string | undefined, lang: 'en' | 'fr', why: string }> = [
  { header: undefined, lang: 'en', why: 'no header: English' },
  { header: '', lang: 'en', why: 'empty header' },
  { header: 'fr-FR,fr;q=0.9', lang: 'fr', why: 'Chromium in French' },
  { header: 'fr-CA', lang: 'fr', why: 'a regional variant matches its language' },
  { header: 'FR', lang: 'fr', why: 'case does not matter' },
  { header: 'en-US,en;q=0.9,fr;q=0.8', lang: 'en', why: 'English first' },
  { header: 'de-DE,de;q=0.9,fr;q=0.7,en;q=0.5', lang: 'fr', why: 'unsupported first choice, French before English' },
  { header: 'fr;q=0.5, en;q=0.8', lang: 'en', why: 'q-values beat order' },
  { header: 'en;q=0.5, fr', lang: 'fr', why: 'q defaults to 1' },
  { header: 'fr;q=0.8, en;q=0.8', lang: 'fr', why: 'a tie goes to the earlier entry' },
  { header: 'fr;q=0', lang: 'en', why: 'q=0 refuses French' },
  { header: 'en;q=0, fr;q=0.1', lang: 'fr', why: 'English refused, French accepted' },
  { header: 'en;q=0, *;q=0.5', lang: 'fr', why: '* stands for the languages not named' },
  { header: '*', lang: 'en', why: '* alone: the default' },
  { header: 'de, es', lang: 'en', why: 'nothing supported: English' },
  { header: 'fr;q=abc, en;q=0.3', lang: 'en', why: 'a malformed q makes the entry unusable' },
  { header: 'fr;q=1.5', lang: 'en', why: 'q above 1 is malformed' },
  { header: ' fr-FR ; q=0.9 ', lang: 'fr', why: 'spaces around parameters' },
  { header: `${'x,'.repeat(5000)}fr`, lang: 'en', why: 'a huge header is read only so far' }
]
for (const c of cases) {
  test(`Accept-Language ${JSON.stringify(c.header?.slice(0, 40))} -> ${c.lang}: ${c.why}`, () => {
    assert.equal(negotiateLanguage(c.header), c.lang)
  })
}

const homeCases = [
  { header: 'fr-FR,fr;q=0.9', lang: 'fr', text: /En veille/ },
  { header: 'en-US,en;q=0.9', lang: 'en', text: /Asleep/ },
  { header: 'de-DE', lang: 'en', text: /Asleep/ },
  { header: undefined, lang: 'en', text: /Asleep/ }
] as const
for (const c of homeCases) {
  test(`home page for Accept-Language ${JSON.stringify(c.header)}: ${c.lang}`, () => {
    const html = renderHomePage([{ domain: 'a.test', state: 'OFFLINE', url: 'https://a.test/' }], negotiateLanguage(c.header))
    assert.match(html, new RegExp(`<html lang="${c.lang}">`))
    assert.match(html, c.text)
  })
}
