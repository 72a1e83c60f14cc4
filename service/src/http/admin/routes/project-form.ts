import { httpStatusOf, isHallError } from '../../../errors.js'
import { field } from '../page-context.js'
import { projectFormFields, type ProjectFormField, type ProjectFormValues } from '../views/project-forms.js'

/** Every field of the project form, bounded as the form bounds it. */
export const projectFormBody = {
  type: 'object',
  properties: {
    name: { type: 'string', maxLength: 64 },
    client: { type: 'string', maxLength: 200 },
    host: { type: 'string', maxLength: 300 },
    server: { type: 'string', maxLength: 64 },
    port: { type: 'string', maxLength: 16 },
    container_port: { type: 'string', maxLength: 16 },
    image: { type: 'string', maxLength: 300 },
    cpu: { type: 'string', maxLength: 16 },
    memory_mib: { type: 'string', maxLength: 16 },
    disk_gib: { type: 'string', maxLength: 16 },
    access: { type: 'string', maxLength: 16 }
  }
} as const

const numeric: ReadonlySet<ProjectFormField> = new Set(['port', 'container_port', 'cpu', 'memory_mib', 'disk_gib'])

/** The form as typed (trimmed), to hand back when it is refused. */
export function readProjectForm (body: unknown): ProjectFormValues {
  return Object.fromEntries(projectFormFields.map(f => [f, field(body, f).trim()])) as ProjectFormValues
}

/**
 * The form in the API's words (projects/spec.ts): numbers as numbers, an empty field absent.
 * Text that is not a number stays text, so the spec's check names the field.
 */
export function projectInput (values: ProjectFormValues, fields: readonly ProjectFormField[] = projectFormFields): Record<string, unknown> {
  const input: Record<string, unknown> = {}
  for (const f of fields) {
    const text = values[f]
    if (!numeric.has(f)) { input[f] = text; continue }
    // empty: absent, so an empty container port means "the same as the published port", also on edit
    if (text === '') { input[f] = undefined; continue }
    // a French keyboard types 1,5 for 1.5 cores
    const n = Number(f === 'cpu' ? text.replace(',', '.') : text)
    input[f] = Number.isFinite(n) ? n : text
  }
  return input
}

/**
 * A refusal the admin can act on: the service's own message, which names the field and says
 * why (over-allocation says what is left), and its status. Null for anything else: a bug, the
 * error handler's 500.
 */
export function projectRefusal (err: unknown): { message: string, status: number } | null {
  if (!isHallError(err) || !/^HALL_ERR_(PROJECT|CERTIFICATE|ACCOUNT)_/.test(err.code)) return null
  const status = httpStatusOf(err.code)
  return status >= 500 ? null : { message: err.message, status }
}
