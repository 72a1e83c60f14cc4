import type { Lang } from '../i18n.js'
import { escapeHtml } from './escape.js'

export interface LayoutOptions {
  title: string // plain text; escaped here
  body: string // already safe HTML
  head?: string // already safe HTML, appended inside <head>
  lang?: Lang // default English
}

export function renderLayout (opts: LayoutOptions): string {
  return `<!doctype html>
<html lang="${escapeHtml(opts.lang ?? 'en')}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="robots" content="noindex">
<title>${escapeHtml(opts.title)}</title>
<link rel="stylesheet" href="/assets/hall.css">
${opts.head ?? ''}
</head>
<body>
${opts.body}
</body>
</html>
`
}
