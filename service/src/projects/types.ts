import type { Allocation } from '../config/types.js'

/**
 * A client project: one Podman pod on a server that hosts projects, published at its own host
 * name. The store keeps them, the gate guards their hosts, the provisioner plays their pods.
 */

/** Who may pass the gate: anyone, the project's clients and admins (a session cookie), or holders of a registered TLS client certificate. */
export const accessModes = ['public', 'members', 'certificate'] as const
export type AccessMode = typeof accessModes[number]

/**
 * `provisioning`: its pod is being played (created or edited); `removing`: taken down;
 * `ready`: the last play succeeded; `error`: the last play or removal failed, `statusReason` says why.
 */
export const projectStatuses = ['provisioning', 'ready', 'error', 'removing'] as const
export type ProjectStatus = typeof projectStatuses[number]

/** What an admin chooses; the rest (status, who and when) Hall records. */
export interface ProjectSpec {
  /** A DNS label: it names the pod too (`hall-NAME`). */
  readonly name: string
  /** The customer it is for, as people say it ("ACME Corp"). */
  readonly client: string
  /** Lower-case host name the project is published at, e.g. acme.testing.example.com. */
  readonly host: string
  /** The server (in domains.json, with a capacity) that runs the pod. */
  readonly server: string
  /** The port the pod publishes on the server: where the proxy sends the project's traffic. */
  readonly port: number
  /** The port the container listens on inside the pod. */
  readonly containerPort: number
  /** The container image, e.g. docker.io/library/nginx:1.27. */
  readonly image: string
  readonly allocation: Allocation
  readonly access: AccessMode
}

export interface Project extends ProjectSpec {
  readonly id: number
  readonly status: ProjectStatus
  readonly statusReason: string | null
  readonly createdAt: number
  readonly createdBy: string
  readonly updatedAt: number
  readonly updatedBy: string
}

/** A client certificate registered for a `certificate` project: only its fingerprint decides. */
export interface ProjectCertificate {
  readonly id: number
  readonly project: string
  /** SHA-256 of the certificate's DER bytes, lower-case hex. */
  readonly fingerprint: string
  readonly subject: string
  readonly notAfter: number
  readonly addedAt: number
  readonly addedBy: string
  readonly revokedAt: number | null
  readonly revokedBy: string | null
}
