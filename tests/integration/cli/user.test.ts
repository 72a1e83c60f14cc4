import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { test, type TestContext } from 'node:test'
import { createAccounts } from '../../../service/src/store/accounts.js'
import { openStore } from '../../../service/src/store/db.js'
import { createEvents } from '../../../service/src/store/events.js'
import { verifyPassword } from '../../../service/src/store/password-hash.js'
import { skipUnless } from '../../helpers/missing-tool.js'
import { runHall, type CliRun } from './run-hall.js'

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url))

/** `hall user ...` as a user runs it, `input` on its stdin (not a terminal: the first line is the password). */
async function hallUser (dbFile: string, args: string[], input = ''): Promise<CliRun> {
  return await runHall(['user', ...args], { HALL_DB: dbFile }, input)
}

function tempDb (t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'hall-user-cli-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return join(dir, 'hall.db')
}

function stored (dbFile: string, name: string): { role: string, passwordHash: string } | null {
  const db = openStore(dbFile)
  try {
    return createAccounts(db).find(name)
  } finally {
    db.close()
  }
}

test('hall user add reads the password from stdin, hashes it with scrypt, and makes the first account an admin', async (t) => {
  const dbFile = tempDb(t)
  const first = await hallUser(dbFile, ['add', 'alice'], 'correct horse battery\nignored second line\n')
  assert.equal(first.code, 0, first.stderr)
  assert.match(first.stdout, /^added account "alice" \(admin\) in /)
  const alice = stored(dbFile, 'alice')!
  assert.equal(alice.role, 'admin')
  assert.match(alice.passwordHash, /^scrypt\$131072\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/)
  assert.equal(await verifyPassword('correct horse battery', alice.passwordHash), true)
  assert.equal(await verifyPassword('ignored second line', alice.passwordHash), false)

  const second = await hallUser(dbFile, ['add', 'bob'], 'another long passphrase')
  assert.equal(second.code, 0, second.stderr)
  assert.equal(stored(dbFile, 'bob')!.role, 'viewer', 'later accounts change nothing unless told')
  assert.equal((await hallUser(dbFile, ['add', 'carol', '--role', 'admin'], 'a third long passphrase')).code, 0)
  assert.equal(stored(dbFile, 'carol')!.role, 'admin')
  // two salts: the same password never gives the same hash
  assert.equal((await hallUser(dbFile, ['add', 'dave'], 'correct horse battery')).code, 0)
  assert.notEqual(stored(dbFile, 'dave')!.passwordHash, alice.passwordHash)
})

test('hall user add refuses an 11-character password, a bad name, a taken name and an unknown role, changing nothing', async (t) => {
  const dbFile = tempDb(t)
  assert.equal((await hallUser(dbFile, ['add', 'alice'], 'correct horse battery')).code, 0)
  const cases = [
    { args: ['add', 'bob'], input: '12345678901\n', message: /the password is too short: 12 characters at least/ },
    { args: ['add', 'bob'], input: '', message: /the password is too short/ },
    { args: ['add', 'b o b'], input: 'correct horse battery', message: /invalid account name "b o b"/ },
    { args: ['add', 'ALICE'], input: 'correct horse battery', message: /an account named "ALICE" already exists/ },
    { args: ['add', 'bob', '--role', 'root'], input: 'correct horse battery', message: /--role must be admin, viewer or client, not "root"/ }
  ]
  for (const c of cases) {
    const run = await hallUser(dbFile, c.args, c.input)
    assert.equal(run.code, 2, c.args.join(' '))
    assert.match(run.stderr, c.message, c.args.join(' '))
  }
  assert.equal(stored(dbFile, 'bob'), null)
  assert.equal(stored(dbFile, 'alice')!.role, 'admin')
})

test('hall user list shows names, roles and times, never a password or its hash', async (t) => {
  const dbFile = tempDb(t)
  assert.match((await hallUser(dbFile, ['list'])).stdout, /^no accounts \(make the first one with: hall user add NAME\)/)
  assert.equal((await hallUser(dbFile, ['add', 'alice'], 'correct horse battery')).code, 0)
  assert.equal((await hallUser(dbFile, ['add', 'bob'], 'another long passphrase')).code, 0)
  const list = await hallUser(dbFile, ['list'])
  assert.equal(list.code, 0)
  const lines = list.stdout.trimEnd().split('\n')
  assert.match(lines[0]!, /^NAME\s+ROLE\s+PROJECTS\s+CREATED\s+PASSWORD SET\s+LAST LOGIN$/)
  assert.match(lines[1]!, /^alice\s+admin\s+all\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+never$/)
  assert.match(lines[2]!, /^bob\s+viewer\s+all\s/)
  const hash = stored(dbFile, 'alice')!.passwordHash
  for (const secret of ['scrypt', hash, hash.split('$').at(-1)!, 'correct horse battery']) assert.equal(list.stdout.includes(secret), false, secret)
})

test('hall user passwd and remove: a new password works and the old one does not; a removed account is gone; both logged', async (t) => {
  const dbFile = tempDb(t)
  assert.equal((await hallUser(dbFile, ['add', 'alice'], 'correct horse battery')).code, 0)
  const passwd = await hallUser(dbFile, ['passwd', 'alice'], 'a brand new passphrase\n')
  assert.equal(passwd.code, 0, passwd.stderr)
  const hash = stored(dbFile, 'alice')!.passwordHash
  assert.equal(await verifyPassword('a brand new passphrase', hash), true)
  assert.equal(await verifyPassword('correct horse battery', hash), false)
  assert.equal((await hallUser(dbFile, ['passwd', 'alice'], 'short\n')).code, 2, 'the same length rule')

  const unknown = await hallUser(dbFile, ['passwd', 'nobody'], 'a brand new passphrase')
  assert.equal(unknown.code, 1)
  assert.match(unknown.stderr, /^HALL_ERR_ACCOUNT_UNKNOWN: no account named "nobody"/)
  assert.equal((await hallUser(dbFile, ['remove', 'alice'])).code, 0)
  assert.equal(stored(dbFile, 'alice'), null)
  assert.equal((await hallUser(dbFile, ['remove', 'alice'])).code, 1)

  const db = openStore(dbFile)
  t.after(() => db.close())
  const kinds = createEvents(db).recent(10).reverse().map(e => [e.kind, (e.details as { name: string, address: string }).name, (e.details as { address: string }).address])
  assert.deepEqual(kinds, [['account-added', 'alice', 'local'], ['account-password-changed', 'alice', 'local'], ['account-removed', 'alice', 'local']])
})

const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0

test('at a terminal, hall user add asks twice and never echoes the password', { skip: skipUnless({ 'script (bsdutils)': hasScript }), timeout: 60_000 }, async (t) => {
  const dbFile = tempDb(t)
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HALL_')))
  // script(1) gives the command a pseudo-terminal: stdin is a TTY, raw mode is real
  const command = `${process.execPath} --import ${import.meta.resolve('tsx')} service/src/cli.ts user add zoe`
  const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: REPO_ROOT, env: { ...inherited, HALL_DB: dbFile } })
  let screen = ''
  const answered = new Set<string>()
  child.stdout.setEncoding('utf8').on('data', (s: string) => {
    screen += s
    // each answer once its question is on the screen
    for (const question of ['New password (12 characters at least): ', 'The same password again: ']) {
      if (screen.includes(question) && !answered.has(question)) { answered.add(question); child.stdin.write('tty passphrase 123\r') }
    }
  })
  const code = await new Promise<number | null>(resolve => child.once('close', resolve))
  assert.equal(code, 0, screen)
  assert.match(screen, /added account "zoe" \(admin\)/)
  assert.equal(screen.includes('tty passphrase'), false, 'nothing typed is echoed')
  assert.equal(await verifyPassword('tty passphrase 123', stored(dbFile, 'zoe')!.passwordHash), true)
})

test('hall user add while another process is writing: it waits for that write and succeeds, as when Hall runs', async (t) => {
  const dbFile = tempDb(t)
  assert.equal((await hallUser(dbFile, ['add', 'alice'], 'correct horse battery')).code, 0)
  const other = openStore(dbFile)
  t.after(() => other.close())
  // another process's write under way, as Hall's are: the command must not read, then find the data changed under it
  other.exec('BEGIN IMMEDIATE')
  createEvents(other).record({ at: Date.now(), level: 'info', server: null, kind: 'test-write', message: 'another process writes' })
  const adding = hallUser(dbFile, ['add', 'bob'], 'another long passphrase')
  await new Promise(resolve => setTimeout(resolve, 2000))
  other.exec('COMMIT')
  const run = await adding
  assert.equal(run.code, 0, run.stderr)
  assert.equal(stored(dbFile, 'bob')?.role, 'viewer')
})
