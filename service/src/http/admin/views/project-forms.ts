import { specInput } from '../../../projects/spec.js'
import { accessModes, type ProjectSpec } from '../../../projects/types.js'
import { escapeHtml } from '../../views/escape.js'
import { csrfField, type AdminContext } from './context.js'
import { adminMessages } from './strings.js'

/** The project form's fields, named as the API and the CLI name them. */
export const projectFormFields = ['name', 'client', 'host', 'server', 'port', 'container_port', 'image', 'cpu', 'memory_mib', 'disk_gib', 'access'] as const
export type ProjectFormField = typeof projectFormFields[number]
/** What the form holds, as typed: a refused form comes back with it. */
export type ProjectFormValues = Readonly<Record<ProjectFormField, string>>

export const emptyProjectForm: ProjectFormValues = {
  name: '', client: '', host: '', server: '', port: '', container_port: '', image: '', cpu: '', memory_mib: '', disk_gib: '', access: 'public'
}

/** A project's current values, for the edit form. */
export function projectFormValues (p: ProjectSpec): ProjectFormValues {
  const input = specInput(p)
  return Object.fromEntries(projectFormFields.map(f => [f, String(input[f] ?? '')])) as ProjectFormValues
}

export type ProjectFormMode =
  | { readonly kind: 'create', readonly servers: readonly string[] }
  | { readonly kind: 'edit', readonly project: string }

type Labels = typeof adminMessages.en.projects

/**
 * The create form (every field) or the edit form (name and server shown, not sent: they cannot
 * change). Every value is escaped: a refused form comes back with what an attacker may have typed.
 */
export function renderProjectForm (values: ProjectFormValues, mode: ProjectFormMode, ctx: AdminContext): string {
  const t = adminMessages[ctx.lang].projects
  const create = mode.kind === 'create'
  const action = create ? '/admin/projects' : `/admin/projects/${encodeURIComponent(mode.project)}`
  const heading = create ? t.create : t.edit
  const identity = create
    ? `${input(t, 'name', values, { required: true, maxlength: 40, pattern: '[a-z0-9]([a-z0-9\\-]{0,38}[a-z0-9])?', hint: t.hint.name })}
${serverChoice(t, values.server, mode.servers)}`
    : `${readOnly('name', t.field.name, values.name)}
${readOnly('server', t.field.server, values.server)}
<p class="hint muted">${escapeHtml(t.readOnly)}</p>`
  return `<form method="post" action="${escapeHtml(action)}" class="stacked project-form" aria-labelledby="project-form-h">
<h2 id="project-form-h">${escapeHtml(heading)}</h2>
${csrfField(ctx)}
${identity}
${input(t, 'client', values, { required: true, maxlength: 100, hint: t.hint.client })}
${input(t, 'host', values, { required: true, maxlength: 253, hint: t.hint.host })}
<div class="field-row">
${input(t, 'port', values, { required: true, type: 'number', min: '1', max: '65535', hint: t.hint.port })}
${input(t, 'container_port', values, { type: 'number', min: '1', max: '65535', hint: t.hint.containerPort })}
</div>
${input(t, 'image', values, { required: true, maxlength: 255, hint: t.hint.image })}
<div class="field-row">
${input(t, 'cpu', values, { required: true, type: 'number', min: '0.001', step: '0.001', hint: t.hint.cpu })}
${input(t, 'memory_mib', values, { required: true, type: 'number', min: '1', step: '1' })}
${input(t, 'disk_gib', values, { required: true, type: 'number', min: '1', step: '1' })}
</div>
<p><label for="project-access">${escapeHtml(t.field.access)}</label>
<select id="project-access" name="access" aria-describedby="project-access-hint">${accessModes.map(a =>
  `<option value="${a}"${a === values.access ? ' selected' : ''}>${escapeHtml(t.access[a])}</option>`).join('')}</select>
<span class="hint muted" id="project-access-hint">${escapeHtml(t.hint.access)}</span></p>
<p><button type="submit" class="button">${escapeHtml(create ? t.submitCreate : t.submitEdit)}</button></p>
</form>`
}

const labelOf: Record<Exclude<ProjectFormField, 'access'>, keyof Labels['field']> = {
  name: 'name', client: 'client', host: 'host', server: 'server', port: 'port', container_port: 'containerPort', image: 'image', cpu: 'cpu', memory_mib: 'memory', disk_gib: 'disk'
}

interface InputOptions {
  readonly required?: boolean
  readonly type?: 'text' | 'number'
  readonly maxlength?: number
  readonly pattern?: string
  readonly min?: string
  readonly max?: string
  readonly step?: string
  readonly hint?: string
}

function input (t: Labels, name: Exclude<ProjectFormField, 'access'>, values: ProjectFormValues, o: InputOptions): string {
  const id = `project-${name.replace(/_/g, '-')}`
  const attrs = [
    `id="${id}"`,
    `name="${name}"`,
    `type="${o.type ?? 'text'}"`,
    `value="${escapeHtml(values[name])}"`,
    'autocomplete="off"',
    o.required === true ? 'required' : '',
    o.maxlength === undefined ? '' : `maxlength="${o.maxlength}"`,
    o.pattern === undefined ? '' : `pattern="${escapeHtml(o.pattern)}"`,
    o.min === undefined ? '' : `min="${o.min}"`,
    o.max === undefined ? '' : `max="${o.max}"`,
    o.step === undefined ? '' : `step="${o.step}"`,
    o.hint === undefined ? '' : `aria-describedby="${id}-hint"`
  ].filter(a => a !== '').join(' ')
  const hint = o.hint === undefined ? '' : `\n<span class="hint muted" id="${id}-hint">${escapeHtml(o.hint)}</span>`
  return `<p><label for="${id}">${escapeHtml(t.field[labelOf[name]])}</label>
<input ${attrs}>${hint}</p>`
}

function serverChoice (t: Labels, chosen: string, servers: readonly string[]): string {
  const options = servers.map(s => `<option value="${escapeHtml(s)}"${s === chosen ? ' selected' : ''}>${escapeHtml(s)}</option>`).join('')
  return `<p><label for="project-server">${escapeHtml(t.field.server)}</label>
<select id="project-server" name="server" required>${options}</select></p>`
}

// shown, never sent: the route takes the name and the server from the project itself
function readOnly (name: 'name' | 'server', label: string, value: string): string {
  return `<p><label for="project-${name}">${escapeHtml(label)}</label>
<input id="project-${name}" value="${escapeHtml(value)}" readonly></p>`
}
