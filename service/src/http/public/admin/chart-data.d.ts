// Types of chart-data.js, which browsers load as it is.
export function timelineSeries (segments: number[][]): [number[], number[]]
export function stacked (rows: number[][]): number[][]
export function histogram (samples: number[]): [number[], number[]]
export function timeLabeller (lang: string, timeZone: string, spanSeconds: number): (seconds: number) => string
