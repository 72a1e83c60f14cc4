import { readFileSync } from 'node:fs'
import { HallError } from '../errors.js'
import { describeIssues, type ConfigProblem } from './issues.js'
import { normalize } from './normalize.js'
import { domainsFileSchema, knownKeys } from './schema.js'
import type { HallConfig } from './types.js'

/** Reads and validates `domains.json`; throws HALL_ERR_CONFIG_* listing every problem at once. */
export function loadConfigFile (file: string): HallConfig {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new HallError('HALL_ERR_CONFIG_READ', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, undefined, err)
  }
  return parseConfig(text, file)
}

export function parseConfig (text: string, source = 'domains.json'): HallConfig {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (err) {
    throw invalid(source, [{ path: '(file)', message: `not valid JSON: ${(err as Error).message}` }])
  }
  const parsed = domainsFileSchema.safeParse(raw)
  if (!parsed.success) throw invalid(source, describeIssues(parsed.error.issues, raw, knownKeys))
  const { config, problems } = normalize(parsed.data)
  if (problems.length > 0) throw invalid(source, problems)
  return config
}

function invalid (source: string, problems: ConfigProblem[]): HallError {
  const lines = problems.map(p => `${p.path}: ${p.message}`)
  return new HallError('HALL_ERR_CONFIG_INVALID', `invalid ${source}:\n  ${lines.join('\n  ')}`, problems)
}
