import { z } from 'zod'
import { errorReplySchema } from './error-reply.js'
import { phaseSchema } from './status.js'

// The client projects' API (GET/POST /api/projects, GET/PATCH/DELETE /api/projects/:name), as
// Hall serializes it and `hall project` parses it. A project is written in the words a script
// sends to create one (name, client, host, ... cpu, memory_mib, disk_gib, access), plus what Hall
// records: so a script can read one, change a field and send it back. The lists of words below
// are projects/types.ts's and the store's: the HTTP layer's mapping fails to compile when they drift.

/** `Date#toISOString()`: UTC, millisecond precision. */
const time = z.iso.datetime()

/** CPU cores (a multiple of 0.001), memory in MiB, disk in GiB. */
export const allocationSchema = z.object({
  cpu: z.number(),
  memory_mib: z.number().int(),
  disk_gib: z.number().int()
})

export const projectSchema = z.object({
  name: z.string(),
  client: z.string(),
  host: z.string(),
  server: z.string(),
  port: z.number().int(),
  container_port: z.number().int(),
  image: z.string(),
  ...allocationSchema.shape,
  access: z.enum(['public', 'members', 'certificate']),
  /** provisioning: its pod is being played; removing: taken down; error: status_reason says why. */
  status: z.enum(['provisioning', 'ready', 'error', 'removing']),
  status_reason: z.string().nullable(),
  /** Where its clients open it (through Traefik). */
  url: z.string(),
  /** The client accounts that may reach it (a members project's gate lets them through). */
  members: z.array(z.string()),
  created_at: time,
  created_by: z.string(),
  updated_at: time,
  updated_by: z.string()
})

/** One `podman kube play` (play) or `podman kube down` (down) on the project's server. */
export const projectOperationSchema = z.object({
  id: z.number().int(),
  action: z.enum(['play', 'down']),
  requested_at: time,
  requested_by: z.string(),
  /** The wake it waited for, when the server had to be woken first. */
  wake_id: z.number().int().nullable(),
  /** When the server was up and the command started. */
  started_at: time.nullable(),
  finished_at: time.nullable(),
  outcome: z.enum(['pending', 'done', 'failed']),
  exit_code: z.number().int().nullable(),
  stderr: z.string().nullable(),
  error_message: z.string().nullable()
})

/** GET /api/projects/:name: the project and its latest operations, newest first. */
export const projectDetailSchema = projectSchema.extend({
  operations: z.array(projectOperationSchema)
})

/** A server that hosts projects: its capacity, what its projects hold, and what is left. */
export const hostingServerSchema = z.object({
  server: z.string(),
  state: phaseSchema.nullable(),
  capacity: allocationSchema,
  allocated: allocationSchema,
  remaining: allocationSchema,
  projects: z.number().int()
})

/** GET /api/projects: the projects and the servers hosting them, both by name. */
export const projectListSchema = z.object({
  projects: z.array(projectSchema),
  servers: z.array(hostingServerSchema)
})

/** A 409 for an allocation that does not fit says what is left on the server (HALL_ERR_PROJECT_CAPACITY). */
export const projectRefusalSchema = errorReplySchema.extend({
  server: z.string().optional(),
  left: allocationSchema.optional(),
  wanted: allocationSchema.optional()
})

export type AllocationAnswer = z.infer<typeof allocationSchema>
export type ProjectAnswer = z.infer<typeof projectSchema>
export type ProjectOperationAnswer = z.infer<typeof projectOperationSchema>
export type ProjectDetail = z.infer<typeof projectDetailSchema>
export type HostingServer = z.infer<typeof hostingServerSchema>
export type ProjectList = z.infer<typeof projectListSchema>
export type ProjectRefusal = z.infer<typeof projectRefusalSchema>
