import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { copyFile, mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { promisify } from 'node:util'

const run = promisify(execFile)
const SSHD = '/usr/sbin/sshd' // sshd re-execs itself, so it must be started by absolute path
const READY_TIMEOUT_MS = 5000
const PORT_ATTEMPTS = 5

export interface TestSshd {
  host: '127.0.0.1'
  port: number
  user: string
  privateKeyFile: string
  /** As `ssh-keygen -lf` prints it, ready for RelayConfig.hostKeySha256. */
  hostKeySha256: string
  dir: string
  stop (): Promise<void>
}

async function freePort (): Promise<number> {
  const server = net.createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as net.AddressInfo
  await new Promise(resolve => server.close(resolve))
  return port
}

async function acceptsTcp (port: number): Promise<boolean> {
  const socket = net.connect(port, '127.0.0.1')
  try {
    await once(socket, 'connect')
    return true
  } catch {
    return false
  } finally {
    socket.destroy()
  }
}

export interface StartSshdOptions {
  /** A directory searched first for commands run through this sshd, e.g. one holding a stand-in `podman`. */
  pathFirst?: string
}

/** What sshd gives a session by default (OpenSSH's _PATH_STDPATH, with the sbin dirs root gets). */
const STANDARD_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'

function sshdConfig (dir: string, port: number, options: StartSshdOptions): string {
  // SetEnv (OpenSSH 8.7+) overrides the session's default PATH; quoted in case the dir has spaces
  const pathFirst = options.pathFirst === undefined ? [] : [`SetEnv "PATH=${options.pathFirst}:${STANDARD_PATH}"`]
  return [
    ...pathFirst,
    `ListenAddress 127.0.0.1:${port}`,
    `HostKey ${path.join(dir, 'host_ed25519_key')}`,
    `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
    `PidFile ${path.join(dir, 'sshd.pid')}`,
    'StrictModes no', // temp dirs are not owned the way sshd wants for ~/.ssh
    'UsePAM no',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password', // CI runs as root
    'PrintMotd no',
    'LogLevel ERROR',
    ''
  ].join('\n')
}

async function stopChild (child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = once(child, 'exit')
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 2000)
  await exited
  clearTimeout(timer)
}

/** Starts a real OpenSSH server on 127.0.0.1 with fresh host and client keys in a temp dir. */
export async function startSshd (options: StartSshdOptions = {}): Promise<TestSshd> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hall-sshd-'))
  try {
    const hostKey = path.join(dir, 'host_ed25519_key')
    const clientKey = path.join(dir, 'client_ed25519_key')
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'hall-test-host', '-f', hostKey])
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'hall-test-client', '-f', clientKey])
    await copyFile(`${clientKey}.pub`, path.join(dir, 'authorized_keys'))
    const { stdout } = await run('ssh-keygen', ['-lf', `${hostKey}.pub`])
    const hostKeySha256 = stdout.trim().split(/\s+/)[1] ?? ''
    // as root sshd insists on its privilege separation directory, which a fresh container lacks
    if (process.getuid?.() === 0) await mkdir('/run/sshd', { recursive: true, mode: 0o755 })

    const { child, port } = await startOnFreePort(dir, options)
    return {
      host: '127.0.0.1',
      port,
      user: os.userInfo().username,
      privateKeyFile: clientKey,
      hostKeySha256,
      dir,
      stop: async () => {
        await stopChild(child)
        await rm(dir, { recursive: true, force: true })
      }
    }
  } catch (err) {
    await rm(dir, { recursive: true, force: true })
    throw err
  }
}

async function startOnFreePort (dir: string, options: StartSshdOptions): Promise<{ child: ChildProcess, port: number }> {
  const logFile = path.join(dir, 'sshd.log')
  for (let attempt = 1; ; attempt++) {
    // the port can be taken between freePort() and sshd's bind: retry with another one
    const port = await freePort()
    const configFile = path.join(dir, 'sshd_config')
    await writeFile(configFile, sshdConfig(dir, port, options))
    // a log file, not a pipe: session processes (e.g. a `sleep 30` cut off by a deadline) outlive
    // sshd and would hold a pipe open, keeping the test process alive
    const log = await open(logFile, 'w')
    const child = spawn(SSHD, ['-D', '-e', '-f', configFile], { stdio: ['ignore', log.fd, log.fd] })
    await log.close()
    const outcome = await waitReady(child, port)
    if (outcome === 'ready') return { child, port }
    await stopChild(child)
    const text = await readFile(logFile, 'utf8').catch(() => '')
    if (/address already in use/i.test(text) && attempt < PORT_ATTEMPTS) continue
    throw new Error(`sshd did not accept connections on 127.0.0.1:${port} (${outcome}):\n${text}`)
  }
}

async function waitReady (child: ChildProcess, port: number): Promise<'ready' | 'exited' | 'timeout'> {
  const deadline = performance.now() + READY_TIMEOUT_MS
  while (performance.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return 'exited'
    if (await acceptsTcp(port)) return 'ready'
    await delay(25)
  }
  return 'timeout'
}
