import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'

// The pages' colours, read from the stylesheet itself: every text/background pair must meet
// WCAG 2.x AA for normal text (4.5:1) in the light and in the dark palette.

const css = readFileSync(new URL('../../../../service/src/http/public/hall.css', import.meta.url), 'utf8')

function palette (block: string): Map<string, string> {
  const vars = new Map<string, string>()
  for (const m of block.matchAll(/--([\w-]+):\s*(#[0-9a-f]{6})\b/gi)) vars.set(m[1]!, m[2]!.toLowerCase())
  return vars
}

const darkStart = css.indexOf('@media (prefers-color-scheme: dark)')
const light = palette(css.slice(css.indexOf(':root'), darkStart))
const dark = new Map([...light, ...palette(css.slice(darkStart, css.indexOf('}', css.indexOf(':root', darkStart)) + 1))])

function luminance (hex: string): number {
  const [r, g, b] = [1, 3, 5].map(i => parseInt(hex.slice(i, i + 2), 16) / 255).map(c => c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!
}

function contrast (a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x)
  return (hi! + 0.05) / (lo! + 0.05)
}

// [foreground, background, where]
const pairs = [
  ['text', 'card', 'body text'],
  ['text', 'bg', 'text outside the card'],
  ['muted', 'card', 'elapsed time, hints'],
  ['accent', 'card', 'links'],
  ['card', 'accent', 'the retry button'],
  ['danger-text', 'danger-bg', 'the failure panel'],
  ['ok', 'card', 'running badge'],
  ['warn', 'card', 'waking badge']
] as const

for (const [name, colours] of [['light', light], ['dark', dark]] as const) {
  for (const [fg, bg, where] of pairs) {
    test(`${name} palette: ${where} (--${fg} on --${bg}) has at least 4.5:1 contrast`, () => {
      const a = colours.get(fg)
      const b = colours.get(bg)
      assert.ok(a !== undefined && b !== undefined, `--${fg} and --${bg} are defined`)
      const ratio = contrast(a, b)
      assert.ok(ratio >= 4.5, `${a} on ${b}: ${ratio.toFixed(2)}:1`)
    })
  }
}

// WCAG 1.4.11: parts of a control a person must see need 3:1 against what is next to them
for (const [name, colours] of [['light', light], ['dark', dark]] as const) {
  test(`${name} palette: the progress bar's fill stands out from its track (3:1)`, () => {
    const ratio = contrast(colours.get('accent')!, colours.get('track')!)
    assert.ok(ratio >= 3, `${ratio.toFixed(2)}:1`)
  })
}

test('the dark palette overrides the light one', () => {
  assert.notEqual(dark.get('bg'), light.get('bg'))
  assert.notEqual(dark.get('text'), light.get('text'))
})

test('reduced motion turns animations and transitions off', () => {
  const block = css.slice(css.indexOf('@media (prefers-reduced-motion: reduce)'))
  assert.match(block, /animation:\s*none\s*!important/)
  assert.match(block, /transition:\s*none\s*!important/)
})
