// A DOM just big enough for the admin scripts: elements with attributes, children, text, `hidden`,
// and querySelector(All) for `tag`, `[name]`, `[name="value"]` and the descendant combinator.

export class FakeElement {
  readonly attrs = new Map<string, string>()
  readonly children: FakeElement[] = []
  parent: FakeElement | null = null
  textContent = ''
  hidden = false
  className = ''
  value = ''
  type = ''
  name = ''
  readonly listeners = new Map<string, Array<(e: unknown) => void>>()
  submitted = 0
  constructor (readonly tag: string, attrs: Record<string, string> = {}) {
    for (const [k, v] of Object.entries(attrs)) this.attrs.set(k, v)
  }

  getAttribute (name: string): string | null { return this.attrs.get(name) ?? null }
  setAttribute (name: string, value: string): void { this.attrs.set(name, String(value)) }
  appendChild (child: FakeElement): FakeElement { child.parent = this; this.children.push(child); return child }
  addEventListener (kind: string, fn: (e: unknown) => void): void { this.listeners.set(kind, [...(this.listeners.get(kind) ?? []), fn]) }
  submit (): void { this.submitted++ }
  closest (selector: string): FakeElement | null {
    for (let e: FakeElement | null = this; e !== null; e = e.parent) if (matches(e, selector)) return e
    return null
  }

  * descendants (): Generator<FakeElement> {
    for (const c of this.children) { yield c; yield * c.descendants() }
  }

  querySelectorAll (selector: string): FakeElement[] {
    const parts = selector.trim().split(/\s+/)
    let found: FakeElement[] = [this]
    for (const part of parts) found = found.flatMap(e => [...e.descendants()].filter(d => matches(d, part)))
    return [...new Set(found)]
  }

  querySelector (selector: string): FakeElement | null { return this.querySelectorAll(selector)[0] ?? null }
}

function matches (e: FakeElement, simple: string): boolean {
  const m = /^([a-z]*)((?:\[[^\]]+\])*)$/.exec(simple)
  if (m === null) throw new Error(`selector not supported by the fake DOM: ${simple}`)
  if (m[1] !== '' && m[1] !== e.tag) return false
  for (const [, name, value] of m[2]!.matchAll(/\[([\w-]+)(?:="([^"]*)")?\]/g)) {
    const actual = e.getAttribute(name!)
    if (actual === null || (value !== undefined && actual !== value)) return false
  }
  return true
}

/** An element tree from a compact description: [tag, attrs, ...children] or text. */
export interface Spec extends ReadonlyArray<string | Record<string, string> | Spec> { readonly 0: string, readonly 1: Record<string, string> }
export function build (spec: Spec): FakeElement {
  const [tag, attrs, ...children] = spec as [string, Record<string, string>, ...Array<Spec | string>]
  const e = new FakeElement(tag, attrs)
  if ('hidden' in attrs) e.hidden = true
  for (const c of children) {
    if (typeof c === 'string') e.textContent += c
    else e.appendChild(build(c))
  }
  return e
}

export function fakeDocument (root: FakeElement): { getElementById: (id: string) => FakeElement | null, createElement: (tag: string) => FakeElement, addEventListener: (k: string, fn: (e: unknown) => void) => void, body: FakeElement } {
  return {
    body: root,
    getElementById: (id) => root.querySelector(`[id="${id}"]`),
    createElement: (tag) => new FakeElement(tag),
    addEventListener: (k, fn) => root.addEventListener(k, fn)
  }
}
