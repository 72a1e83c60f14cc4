import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import type * as Ssh2 from 'ssh2'
import type { ClientChannel } from 'ssh2'
import type { RelayConfig } from '../config/types.js'
import { HallError } from '../errors.js'

const requireLazily = createRequire(import.meta.url)

/**
 * ssh2 and its crypto add about 20 MB to the process: required on the first relay command, so a
 * Hall without relays never loads it. require() caches it from then on.
 */
function loadSsh2 (): typeof Ssh2 {
  return requireLazily('ssh2') as typeof Ssh2
}

export interface SshCommandResult {
  exitCode: number | null
  exitSignal: string | null
  stdout: string
  stderr: string
  durationMs: number
}

/**
 * Output kept per stream: its first 1.5 KiB and its last 2 KiB, enough for a diagnosis and bounded
 * so a chatty command cannot grow memory. The end matters as much as the start: podman writes a
 * pull's progress first and its "Error: ..." line last. Together they stay under the 4 KiB the
 * wake and shutdown records keep (store/truncate.ts), so a stored copy is whole.
 */
const KEPT_HEAD_BYTES = 1536
const KEPT_TAIL_BYTES = 2048

/** The fingerprint exactly as `ssh-keygen -lf` prints it: unpadded base64 of SHA-256 over the key blob. */
export function sha256Fingerprint (hostKey: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(hostKey).digest('base64').replace(/=+$/, '')
}

class CappedOutput {
  private readonly head: Buffer[] = []
  private headSize = 0
  private tail = Buffer.alloc(0)
  private leftOut = 0

  push (chunk: Buffer): void {
    const toHead = chunk.subarray(0, Math.max(0, KEPT_HEAD_BYTES - this.headSize))
    if (toHead.length > 0) {
      // a copy: a slice would keep the whole of a large chunk alive
      this.head.push(Buffer.from(toHead))
      this.headSize += toHead.length
    }
    const rest = chunk.subarray(toHead.length)
    if (rest.length === 0) return
    // only a chunk's end can stay, so no more than the tail's size is ever copied
    const joined = Buffer.concat([this.tail, rest.subarray(Math.max(0, rest.length - KEPT_TAIL_BYTES))])
    const kept = joined.subarray(Math.max(0, joined.length - KEPT_TAIL_BYTES))
    this.leftOut += this.tail.length + rest.length - kept.length
    this.tail = kept
  }

  text (): string {
    const head = Buffer.concat(this.head).toString('utf8')
    const gap = this.leftOut === 0 ? '' : `\n[${this.leftOut} bytes left out]\n`
    return head + gap + this.tail.toString('utf8')
  }
}

async function readKey (relay: RelayConfig): Promise<Buffer> {
  const details = { relay: relay.name, file: relay.privateKeyFile }
  let key: Buffer
  try {
    key = await readFile(relay.privateKeyFile)
  } catch (err) {
    // name the file, never its contents
    const why = (err as NodeJS.ErrnoException).code ?? 'unreadable'
    throw new HallError('HALL_ERR_SSH_KEY_FILE', `cannot read private key file ${relay.privateKeyFile} for relay "${relay.name}" (${why})`, details, err)
  }
  // parse before connecting so a bad file is a key-file error, not a connection error;
  // ssh2's parse messages describe the format ("Unsupported key format"), never the bytes
  const parsed = loadSsh2().utils.parseKey(key)
  if (parsed instanceof Error) {
    throw new HallError('HALL_ERR_SSH_KEY_FILE', `cannot use private key file ${relay.privateKeyFile} for relay "${relay.name}": ${parsed.message}`, details)
  }
  return key
}

export interface SshCommandOptions {
  readonly signal?: AbortSignal
  /** Written to the command's standard input, which is then closed (EOF); without it stdin stays open. */
  readonly stdin?: string | Buffer
}

/**
 * Runs one command on a relay with its host key pinned. A non-zero exit is a value; the deadline
 * `relay.commandTimeoutMs` covers connect, handshake, run (stdin included) and exit.
 * The third argument is the options, or just an abort signal as the first callers pass it.
 */
export async function runSshCommand (relay: RelayConfig, command: string, options: SshCommandOptions | AbortSignal = {}): Promise<SshCommandResult> {
  const { signal, stdin } = options instanceof AbortSignal ? { signal: options, stdin: undefined } : options
  signal?.throwIfAborted()
  const privateKey = await readKey(relay)
  signal?.throwIfAborted()
  const target = `${relay.user}@${relay.host}:${relay.port} (relay "${relay.name}")`
  const started = performance.now()
  const client = new (loadSsh2().Client)()
  let presented: string | null = null
  let hostKeyRefused = false
  // a poweroff may take the connection down before the exit status arrives: the caller must know the command started
  let commandStarted = false

  return await new Promise<SshCommandResult>((resolve, reject) => {
    let settled = false
    const finish = (err: Error | null, result?: SshCommandResult): void => {
      if (settled) return
      settled = true
      clearTimeout(deadline)
      signal?.removeEventListener('abort', onAbort)
      client.destroy()
      if (err !== null) reject(err)
      else resolve(result as SshCommandResult)
    }
    const deadline = setTimeout(() => {
      finish(new HallError('HALL_ERR_SSH_DEADLINE',
        `no answer from ${target} within ${relay.commandTimeoutMs} ms (connect, handshake, command and exit); connection dropped`,
        { relay: relay.name, timeoutMs: relay.commandTimeoutMs }))
    }, relay.commandTimeoutMs)
    const onAbort = (): void => finish(signal?.reason instanceof Error ? signal.reason : new Error('aborted'))
    signal?.addEventListener('abort', onAbort, { once: true })

    client.on('error', (err: Error & { level?: string }) => finish(classify(err)))
    client.on('close', () => finish(new HallError('HALL_ERR_SSH_CONNECT', `connection to ${target} closed before the command finished`, { relay: relay.name, commandStarted })))
    client.on('ready', () => {
      client.exec(command, (err, stream) => {
        if (err != null) {
          finish(new HallError('HALL_ERR_SSH_CONNECT', `${target} refused to run the command: ${err.message}`, { relay: relay.name }, err))
          return
        }
        commandStarted = true
        collect(stream)
        // ssh2 queues what the channel window cannot take yet; end() then sends EOF
        if (stdin !== undefined) stream.end(stdin)
      })
    })

    const collect = (stream: ClientChannel): void => {
      const stdout = new CappedOutput()
      const stderr = new CappedOutput()
      let exitCode: number | null = null
      let exitSignal: string | null = null
      stream.on('data', (c: Buffer) => stdout.push(c))
      stream.stderr.on('data', (c: Buffer) => stderr.push(c))
      // 'exit' carries (code) or (null, signalName); 'close' comes after all output
      stream.on('exit', (code: number | null, sig?: string) => {
        exitCode = typeof code === 'number' ? code : null
        exitSignal = sig ?? null
      })
      stream.on('close', () => finish(null, {
        exitCode,
        exitSignal,
        stdout: stdout.text(),
        stderr: stderr.text(),
        durationMs: Math.round(performance.now() - started)
      }))
    }

    const classify = (err: Error & { level?: string }): Error => {
      if (hostKeyRefused) {
        return new HallError('HALL_ERR_SSH_HOST_KEY_MISMATCH',
          `host key of ${target} is ${presented ?? 'unknown'}, expected ${relay.hostKeySha256}; refusing to run the command`,
          { relay: relay.name, expected: relay.hostKeySha256, presented }, err)
      }
      switch (err.level) {
        case 'client-authentication':
          return new HallError('HALL_ERR_SSH_AUTH', `${target} rejected the key in ${relay.privateKeyFile}`, { relay: relay.name }, err)
        case 'client-timeout':
          return new HallError('HALL_ERR_SSH_DEADLINE', `handshake with ${target} timed out`, { relay: relay.name }, err)
        default:
          return new HallError('HALL_ERR_SSH_CONNECT', `cannot connect to ${target}: ${err.message}`, { relay: relay.name }, err)
      }
    }

    try {
      client.connect({
        host: relay.host,
        port: relay.port,
        username: relay.user,
        privateKey,
        // our own timer is the deadline; this only keeps ssh2's default (20 s) from firing first
        readyTimeout: relay.commandTimeoutMs + 1000,
        hostVerifier: (key: Buffer) => {
          presented = sha256Fingerprint(key)
          if (relay.hostKeySha256 === 'insecure-accept-any') return true
          hostKeyRefused = presented !== relay.hostKeySha256
          return !hostKeyRefused
        }
      })
    } catch (err) {
      finish(classify(err as Error))
    }
  })
}
