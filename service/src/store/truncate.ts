const maxBytes = 4096
const truncatedMark = '\n[truncated]'

/** At most 4 KiB of UTF-8, cut on a character boundary, marked when cut: a relay can print a lot. */
export function truncateUtf8 (text: string): string {
  const bytes = Buffer.from(text, 'utf8')
  if (bytes.length <= maxBytes) return text
  let end = maxBytes - Buffer.byteLength(truncatedMark)
  // 0b10xxxxxx is a continuation byte: step back to the start of the character it belongs to
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--
  return bytes.subarray(0, end).toString('utf8') + truncatedMark
}
