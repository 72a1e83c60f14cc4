/**
 * A test that needs something outside the repository (a system program) skips without it on a
 * developer's machine, with the fix in the reason; under CI (CI=true) a missing part fails the run
 * instead of letting it pass silently.
 */
export function missingTool (name: string, fix = 'bash deploy/install-test-deps.sh'): string {
  if (underCi()) throw new Error(`${name} is missing, and CI must have it (${fix})`)
  return `${name} is missing (${fix})`
}

/** A test's `skip` option for several tools: false when all are present, else the first one missing. */
export function skipUnless (tools: Record<string, boolean>): string | false {
  const missing = Object.entries(tools).find(([, present]) => !present)
  return missing === undefined ? false : missingTool(missing[0])
}

export function underCi (): boolean {
  const ci = process.env.CI
  return ci !== undefined && ci !== '' && ci !== 'false'
}
