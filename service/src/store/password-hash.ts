import { randomBytes, scrypt, scryptSync, timingSafeEqual, type ScryptOptions } from 'node:crypto'

/**
 * Passwords hashed with scrypt from node:crypto (nothing native to build on a Pi). The stored
 * text carries its parameters, so they can be raised later: a hash made with older ones still
 * verifies, and `isOutdated` says it should be made again at the next login.
 */
export interface ScryptParams { readonly N: number, readonly r: number, readonly p: number }

/** OWASP's Password Storage Cheat Sheet: N=2^17, r=8, p=1 (128 MiB and about 0.25 s per hash). */
export const SCRYPT_PARAMS: ScryptParams = { N: 2 ** 17, r: 8, p: 1 }
const KEY_BYTES = 32
const SALT_BYTES = 16
// scrypt's own bound, N up to 2^20 and r, p small: a damaged row cannot make Hall allocate gigabytes
const MAX_N = 2 ** 20

// scrypt$<N>$<r>$<p>$<salt, base64url>$<hash, base64url>
const FORMAT = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/

interface Parsed { readonly params: ScryptParams, readonly salt: Buffer, readonly hash: Buffer }

export function hashPasswordSync (password: string, params: ScryptParams = SCRYPT_PARAMS): string {
  const salt = randomBytes(SALT_BYTES)
  return format(params, salt, scryptSync(password.normalize('NFC'), salt, KEY_BYTES, optionsFor(params)))
}

/** On libuv's thread pool: a running Hall keeps answering while it hashes. */
export async function hashPassword (password: string, params: ScryptParams = SCRYPT_PARAMS): Promise<string> {
  const salt = randomBytes(SALT_BYTES)
  return format(params, salt, await derive(password, salt, params))
}

/**
 * Whether `password` matches `stored`. With `stored` null (no such account) a hash is made all
 * the same, against a random salt, so an unknown name takes as long as a wrong password.
 */
export async function verifyPassword (password: string, stored: string | null): Promise<boolean> {
  const parsed = stored === null ? null : parse(stored)
  const target = parsed ?? { params: SCRYPT_PARAMS, salt: randomBytes(SALT_BYTES), hash: randomBytes(KEY_BYTES) }
  const derived = await derive(password, target.salt, target.params)
  const same = derived.length === target.hash.length && timingSafeEqual(derived, target.hash)
  return parsed !== null && same
}

/** Made with weaker parameters than today's: hash it again when the password is next known. */
export function isOutdated (stored: string): boolean {
  const parsed = parse(stored)
  return parsed === null || parsed.params.N < SCRYPT_PARAMS.N || parsed.params.r < SCRYPT_PARAMS.r || parsed.params.p < SCRYPT_PARAMS.p
}

async function derive (password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  return await new Promise((resolve, reject) => {
    // NFC: the same password typed on a Mac and on a phone gives the same bytes
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, optionsFor(params), (err, key) => { err === null ? resolve(key) : reject(err) })
  })
}

function optionsFor (params: ScryptParams): ScryptOptions {
  // scrypt needs 128 * N * r bytes; Node refuses more than 32 MiB unless maxmem says otherwise
  return { N: params.N, r: params.r, p: params.p, maxmem: 128 * params.N * params.r * 2 }
}

function format (params: ScryptParams, salt: Buffer, hash: Buffer): string {
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`
}

/** Null for text that is not a hash Hall made: such an account cannot log in, it is never let in. */
function parse (stored: string): Parsed | null {
  const m = FORMAT.exec(stored)
  if (m === null) return null
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const powerOfTwo = N >= 2 && (N & (N - 1)) === 0
  if (!powerOfTwo || N > MAX_N || r < 1 || r > 32 || p < 1 || p > 16) return null
  return { params: { N, r, p }, salt: Buffer.from(m[4]!, 'base64url'), hash: Buffer.from(m[5]!, 'base64url') }
}
