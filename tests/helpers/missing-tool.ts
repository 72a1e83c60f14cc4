/**
 * A test that needs a system program skips without it on a developer's machine, with the fix in
 * the reason; under CI (CI=true) a missing program fails the run instead of passing it silently.
 */
export function missingTool (name: string): string {
  if (process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false') {
    throw new Error(`${name} is missing: CI must install it (bash deploy/install-test-deps.sh)`)
  }
  return `${name} is not installed (bash deploy/install-test-deps.sh)`
}
