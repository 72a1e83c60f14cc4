import assert from 'node:assert/strict'
import { execFile, execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { startAsleep } from '../../helpers/hall-in-process.js'

const run = promisify(execFile)
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url))

// deploy/README.md's bare-metal steps in a copy of this checkout: build, prune the dev
// dependencies, then the `hall` command (bin/hall.js) must still work, without tsx
test('after npm run build and npm prune --omit=dev, bin/hall.js runs the build: validate and status work', { timeout: 180_000 }, async (t) => {
  const copy = mkdtempSync(join(tmpdir(), 'hall-deployed-'))
  t.after(() => rmSync(copy, { recursive: true, force: true }))
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: REPO_ROOT, encoding: 'utf8' }).split('\0').filter(f => f !== '')
  for (const file of files) {
    if (!existsSync(join(REPO_ROOT, file))) continue // deleted in the work tree, not yet committed
    mkdirSync(dirname(join(copy, file)), { recursive: true })
    cpSync(join(REPO_ROOT, file), join(copy, file))
  }
  // the installed dependencies, as `npm ci` left them (copying beats a second download)
  cpSync(join(REPO_ROOT, 'node_modules'), join(copy, 'node_modules'), { recursive: true, verbatimSymlinks: true })

  const npm = async (...args: string[]): Promise<void> => { await run('npm', args, { cwd: copy, timeout: 150_000 }) }
  await npm('run', 'build')
  await npm('prune', '--omit=dev', '--offline', '--no-audit', '--no-fund')
  assert.equal(existsSync(join(copy, 'node_modules/tsx')), false, 'tsx is a dev dependency: pruned')
  assert.equal(existsSync(join(copy, 'node_modules/better-sqlite3')), true)

  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HALL_')))
  const hall = async (args: string[], env: Record<string, string> = {}): Promise<{ stdout: string, stderr: string }> =>
    await run(process.execPath, [join(copy, 'bin/hall.js'), ...args], { cwd: copy, env: { ...inherited, ...env }, timeout: 30_000 })

  const validated = await hall(['validate', 'deploy/domains.example.json'])
  assert.match(validated.stdout, /^deploy\/domains\.example\.json is valid: 2 domain\(s\)/)

  const { hall: running } = await startAsleep(t)
  const status = await hall(['status'], { HALL_URL: running.url })
  assert.match(status.stdout, /^SERVER\s+STATE/)
  assert.match(status.stdout, /\nlab\s+OFFLINE\s/)
})
