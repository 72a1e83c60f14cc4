// Types of waiting-display.js, which browsers load as it is: see that file for what each does.
// tests/unit/http/public/waiting-display.test.ts runs the functions through these signatures.

export const PROGRESS_CAP_PCT: number
export function formatDuration (ms: number): string
export function formatApprox (ms: number): string
export function fill (template: string, values: Record<string, string>): string
/** `state` is a phase name; the browser gets it from the network, so any string is accepted. */
export function isReady (state: string): boolean
export function isBooting (state: string): boolean
export function progressPct (elapsedMs: number, expectedBootMs: number | null, state: string): number
export function isSlow (elapsedMs: number, expectedBootMs: number | null, state: string): boolean
