import { readFileSync } from 'node:fs'

export const DASHBOARD = new URL('../../../deploy/grafana/hall.json', import.meta.url)

interface Panel { title?: string, targets?: Array<{ expr?: string }>, panels?: Panel[] }

/** Every PromQL expression of the dashboard, with the title of its panel. */
export function dashboardQueries (file: URL = DASHBOARD): Array<{ panel: string, expr: string }> {
  const dashboard = JSON.parse(readFileSync(file, 'utf8')) as { panels: Panel[] }
  const queries: Array<{ panel: string, expr: string }> = []
  const visit = (panels: Panel[]): void => {
    for (const p of panels) {
      for (const target of p.targets ?? []) if (target.expr !== undefined) queries.push({ panel: p.title ?? '?', expr: target.expr })
      visit(p.panels ?? [])
    }
  }
  visit(dashboard.panels)
  return queries
}

const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'inf', 'nan'])

/**
 * The metric names a PromQL expression reads: identifiers left once strings, label matchers,
 * ranges, Grafana variables and grouping label lists are taken out, that are not a function
 * called or a keyword.
 */
export function metricNamesIn (expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\$\{?\w+\}?/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
  const names = new Set<string>()
  for (const m of bare.matchAll(/(?<![\w.:])([a-zA-Z_:][a-zA-Z0-9_:]*)(?![\w:]|\s*\()/g)) {
    if (!KEYWORDS.has(m[1]!.toLowerCase())) names.add(m[1]!)
  }
  return [...names]
}

/** The expression as Prometheus's API takes it: Grafana's range variables given a value. */
export function withGrafanaVariables (expr: string): string {
  return expr.replace(/\$__range|\$__rate_interval|\$__interval/g, '5m')
}
