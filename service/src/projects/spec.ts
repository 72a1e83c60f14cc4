import { z } from 'zod'
import type { Allocation } from '../config/types.js'
import { HallError } from '../errors.js'
import { accessModes, type ProjectSpec } from './types.js'

/**
 * What an admin may write for a project, from a form, the API or the CLI. Every field names
 * something that ends up in a pod's YAML, a Traefik rule or a page: each is held to a plain form.
 */
export const projectSpecSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/, { error: 'expected 1 to 40 lower-case letters, digits or "-", such as acme-shop (it names the pod)' }),
  client: z.string().trim().min(1).max(100).refine(s => ![...s].some(c => c < ' ' || c === '\x7f'), { error: 'expected the customer\'s name on one line' }),
  host: z.string().toLowerCase().max(253)
    .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/, { error: 'expected a host name such as acme.testing.example.com' }),
  server: z.string().min(1).max(63),
  port: z.int().min(1).max(65535),
  container_port: z.int().min(1).max(65535).optional(),
  image: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._/:@+-]{0,254}$/, { error: 'expected an image reference such as docker.io/library/nginx:1.27' }),
  cpu: z.number().positive().max(4096).refine(v => Math.abs(Math.round(v * 1000) - v * 1000) < 1e-6, { error: 'expected CPU cores in steps of 0.001, such as 1.5' }),
  memory_mib: z.int().positive().max(16_777_216),
  disk_gib: z.int().positive().max(1_048_576),
  access: z.enum(accessModes).default('public')
})

export type ProjectSpecInput = z.input<typeof projectSpecSchema>

/** Throws HALL_ERR_PROJECT_INVALID naming the field and the reason. */
export function parseProjectSpec (input: unknown): ProjectSpec {
  const parsed = projectSpecSchema.safeParse(input)
  if (!parsed.success) {
    const problems = parsed.error.issues.map(i => `${i.path.join('.') || 'project'}: ${i.message}`)
    throw new HallError('HALL_ERR_PROJECT_INVALID', `invalid project: ${problems.join('; ')}`, { problems })
  }
  const p = parsed.data
  return {
    name: p.name,
    client: p.client,
    host: p.host,
    server: p.server,
    port: p.port,
    containerPort: p.container_port ?? p.port,
    image: p.image,
    allocation: { cpu: p.cpu, memoryMib: p.memory_mib, diskGib: p.disk_gib },
    access: p.access
  }
}

/** The file's words for a spec: what the API returns and the edit form starts from. */
export function specInput (p: ProjectSpec): ProjectSpecInput {
  return {
    name: p.name,
    client: p.client,
    host: p.host,
    server: p.server,
    port: p.port,
    container_port: p.containerPort,
    image: p.image,
    cpu: p.allocation.cpu,
    memory_mib: p.allocation.memoryMib,
    disk_gib: p.allocation.diskGib,
    access: p.access
  }
}

export function formatAllocation (a: Allocation): string {
  return `${a.cpu} CPU, ${a.memoryMib} MiB memory, ${a.diskGib} GiB disk`
}
