/** Fills a relay command template such as `wakeonlan -i {broadcast} {mac}`. */

export interface TemplateValues { mac: string, ip: string, broadcast: string }

const known = ['mac', 'ip', 'broadcast'] as const
const placeholder = /\{([^{}]*)\}/g
// Values are validated upstream (canonical MAC, IPv4); this is defence in depth: the result goes
// to a remote shell, so only hex digits, ':' and '.' may ever be substituted.
const safeValue = /^[0-9A-Fa-f:.]+$/

/** Names between braces, in order of appearance, duplicates kept once. */
export function templatePlaceholders (template: string): string[] {
  const names = new Set<string>()
  for (const m of template.matchAll(placeholder)) names.add(m[1] ?? '')
  return [...names]
}

function isKnown (name: string): name is typeof known[number] {
  return (known as readonly string[]).includes(name)
}

export function renderCommand (template: string, values: TemplateValues): string {
  const unknown = templatePlaceholders(template).filter(n => !isKnown(n))
  if (unknown.length > 0) {
    throw new TypeError(`unknown placeholder ${unknown.map(n => `{${n}}`).join(', ')} in command template (known: {mac}, {ip}, {broadcast})`)
  }
  // only the values the template uses reach the shell, so only those are checked
  for (const name of templatePlaceholders(template).filter(isKnown)) {
    if (!safeValue.test(values[name])) {
      throw new TypeError(`refusing to put ${name} ${JSON.stringify(values[name])} into a shell command: only hex digits, ':' and '.' are allowed`)
    }
  }
  return template.replace(placeholder, (_, name: string) => values[name as typeof known[number]])
}
