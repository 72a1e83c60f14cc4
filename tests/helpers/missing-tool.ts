/**
 * A test that needs something outside the repository (a system program, ../shared) skips without
 * it on a developer's machine, with the fix in the reason; under CI (CI=true) a missing part fails
 * the run instead of letting it pass silently.
 */
export function missingTool (name: string, fix = 'bash deploy/install-test-deps.sh'): string {
  if (process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false') {
    throw new Error(`${name} is missing, and CI must have it (${fix})`)
  }
  return `${name} is missing (${fix})`
}
