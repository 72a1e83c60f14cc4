// Types of card-display.js, which browsers load as it is: see that file for what each does.

/** One server as /admin/api/servers and /admin/api/stream send it (http/admin/cards.ts builds it). */
export interface CardJson {
  server: string
  state: string
  since_ms: number
  policy: string
  domains: string[]
  /** The wake under way: when each step happened, null until it did. */
  wake: { requested_at_ms: number, sent_at_ms: number | null, alive_at_ms: number | null, running_at_ms: number | null } | null
  /** The latest wake once finished. */
  last_wake: { outcome: string, requested_at_ms: number, running_at_ms: number | null, error_code: string | null } | null
  idle_shutdown_at_ms: number | null
  shutdown_suspended: boolean
  shutdown_pending: boolean
  schedule: { open: boolean, next_change: 'opens' | 'closes' | null, next_change_local: string | null } | null
  actions: { wake: boolean, shutdown: boolean, shutdown_refusal: 'always-on' | 'schedule' | 'no-command' | null }
}

export interface CardStrings {
  card: {
    countdown: string
    countdownDue: string
    scheduleOpen: string
    scheduleClosed: string
    scheduleAlways: string
    scheduleNever: string
    steps: Record<'requested' | 'sent' | 'alive' | 'running', string>
    stepAt: string
    stepWaiting: string
    lastBoot: string
    lastFailure: string
    refusal: Record<string, string>
  }
  badge: Record<string, string>
  wakeOutcome: Record<string, string>
}

export interface CardView {
  state: string
  since: string
  countdown: string | null
  suspended: boolean
  shuttingDown: boolean
  schedule: string | null
  steps: Array<{ step: string, label: string, at: string }> | null
  lastWake: string | null
  wake: boolean
  shutdown: boolean
  refusal: string | null
}

export function fill (template: string, values: Record<string, string>): string
export function formatSpan (ms: number): string
export function wallClock (localIso: string | null): string
export function cardView (card: CardJson, t: CardStrings, nowMs: number): CardView
