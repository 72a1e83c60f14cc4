import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url))

export interface CliRun { code: number | null, stdout: string, stderr: string }

/**
 * Runs the CLI from its source (`npm run hall -- ...`) as a user would, without blocking this process (an in-process Hall
 * must keep answering meanwhile). The developer's own HALL_* settings never leak in. `input` goes to its stdin, which is
 * then closed (not a terminal: `hall user add|passwd` read the password's first line).
 */
export async function runHall (args: string[], env: Record<string, string> = {}, input = ''): Promise<CliRun> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HALL_')))
  return await new Promise(resolve => {
    const child = execFile(process.execPath, ['--import', import.meta.resolve('tsx'), 'service/src/cli.ts', ...args], { cwd: REPO_ROOT, env: { ...inherited, ...env }, timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : null
      resolve({ code, stdout, stderr })
    })
    child.stdin?.end(input)
  })
}
