/** One sample line of the Prometheus text format: name, labels, value. */
export interface Sample { readonly name: string, readonly labels: Readonly<Record<string, string>>, readonly value: number }

/** The samples of an exposition (label values as Hall writes them: no escaped quotes). */
export function parseSamples (text: string): Sample[] {
  const samples: Sample[] = []
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (m === null) continue
    const labels: Record<string, string> = {}
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="([^"]*)"/g)) labels[l[1]!] = l[2]!
    samples.push({ name: m[1]!, labels, value: Number(m[3]) })
  }
  return samples
}

/** The value of the one sample named `name` whose labels include `labels`; undefined if none. */
export function valueOf (text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const found = parseSamples(text).filter(s => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
  if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} matches ${found.length} samples`)
  return found[0]?.value
}

/** Every metric family the exposition declares (# TYPE), with the series names a histogram adds. */
export function exportedNames (text: string): Set<string> {
  const names = new Set<string>()
  for (const m of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(m[1]!)
    if (m[2] === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(m[1]! + suffix)
  }
  return names
}
