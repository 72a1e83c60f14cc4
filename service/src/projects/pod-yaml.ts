import type { ProjectSpec } from './types.js'

/**
 * The Kubernetes v1 Pod that `podman kube play` runs for a project, written as JSON, which is
 * YAML too (podman reads it like any kube YAML). JSON rather than the yaml package because:
 * - every string is double-quoted and escaped, so an admin's value can never become structure,
 *   and never a boolean or a number either: podman parses YAML 1.1, where an unquoted `no`,
 *   `on` or `0777` is not a string, and the yaml package writes 1.2, which leaves them bare;
 * - the running service loads no YAML library (over 10 MB) to provision a project.
 * Characters outside printable ASCII are escaped as \uXXXX: YAML 1.1 counts U+0085, U+2028 and
 * U+2029 as line breaks, and JSON.stringify leaves them raw. Same project, same bytes.
 */
export function renderPodYaml (project: ProjectSpec): string {
  const resources = resourcesOf(project)
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: podNameOf(project.name),
      labels: { 'app.kubernetes.io/managed-by': 'hall', 'hall.project': project.name }
    },
    spec: {
      restartPolicy: 'Always',
      containers: [{
        name: 'app',
        image: project.image,
        ports: [{ containerPort: portOf('containerPort', project.containerPort), hostPort: portOf('port', project.port), protocol: 'TCP' }],
        // requests = limits. podman enforces the cpu and memory limits and makes the memory request a
        // reservation; it ignores ephemeral-storage (kept for the record and for Kubernetes), so the
        // disk allocation is bounded only by Hall's capacity check
        resources: { limits: resources, requests: resources }
      }]
    }
  }
  return asciiOnly(JSON.stringify(pod, null, 2)) + '\n'
}

const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/

/** The pod's name on the server (also what `podman kube down` finds it by). */
export function podNameOf (projectName: string): string {
  // the store validates names too; checked again here because the name reaches the server
  if (!DNS_LABEL.test(projectName)) {
    throw new TypeError(`refusing to render a pod for project name ${JSON.stringify(projectName)}: a project name is a DNS label (a-z, 0-9, '-', at most 63)`)
  }
  return `hall-${projectName}`
}

type Resources = Readonly<Record<'cpu' | 'memory' | 'ephemeral-storage', string>>

function resourcesOf (project: ProjectSpec): Resources {
  const { cpu, memoryMib, diskGib } = project.allocation
  // whole millicores: no float text like 0.30000000000000004; podman reads the limit as
  // millicores and takes 0 as "no limit", so anything that rounds to 0 is refused
  const milliCpu = Math.round(cpu * 1000)
  if (!Number.isSafeInteger(milliCpu) || milliCpu < 1) throw refusal(project, 'cpu', cpu, 'a number of cores of at least 0.001')
  if (!isPositiveInteger(memoryMib)) throw refusal(project, 'memoryMib', memoryMib, 'a whole number of MiB above 0')
  if (!isPositiveInteger(diskGib)) throw refusal(project, 'diskGib', diskGib, 'a whole number of GiB above 0')
  return { cpu: `${milliCpu}m`, memory: `${memoryMib}Mi`, 'ephemeral-storage': `${diskGib}Gi` }
}

function portOf (field: string, port: number): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new TypeError(`refusing to render a pod with ${field} ${JSON.stringify(port)}: a TCP port is 1-65535`)
  }
  return port
}

const isPositiveInteger = (n: number): boolean => Number.isSafeInteger(n) && n > 0

function refusal (project: ProjectSpec, field: string, value: number, expected: string): TypeError {
  return new TypeError(`refusing to render the pod of project "${project.name}": allocation ${field} is ${String(value)}, expected ${expected}`)
}

/** Only inside JSON strings can such characters occur, and there \uXXXX means the same. */
function asciiOnly (json: string): string {
  return json.replace(/[\u007f-\uffff]/g, c => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'))
}
