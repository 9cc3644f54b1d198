/**
 * Klaviyo's event size limits (reference §2) and the helpers that keep a mapped event inside them.
 * Limits are in UTF-8 bytes because that is what travels; cutting never splits a character.
 */

export const KLAVIYO_LIMITS = {
  /** OAS allows 400 event properties, the ingestion table 300: we stay at or under 300. */
  properties: 300,
  /** Any single string, and (our conservative reading of "any field") any serialized property. */
  fieldBytes: 100_000,
  /** Items in one array. */
  arrayItems: 4000,
  /** Whole request body, decompressed. */
  requestBytes: 5_000_000,
  /** Events in one bulk create job. */
  bulkEvents: 1000,
  /** Metric names must be shorter than 128 characters. */
  metricNameChars: 127,
} as const

export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8')
}

/** `text` cut to at most `maxBytes` UTF-8 bytes, on a character boundary. */
export function truncateUtf8(text: string, maxBytes: number = KLAVIYO_LIMITS.fieldBytes): string {
  if (text.length * 3 <= maxBytes) return text
  const bytes = Buffer.from(text, 'utf8')
  if (bytes.length <= maxBytes) return text
  let cut = maxBytes
  // Step back over continuation bytes (10xxxxxx) so the cut lands on the start of a character.
  while (cut > 0 && ((bytes[cut] ?? 0) & 0xc0) === 0x80) cut--
  return bytes.subarray(0, cut).toString('utf8')
}

/**
 * The longest prefix of `list` whose JSON array stays within `maxBytes` and `maxItems`: the items a
 * message template can rely on, in their original order.
 */
export function fittingPrefix<T>(
  list: readonly T[],
  maxBytes: number = KLAVIYO_LIMITS.fieldBytes,
  maxItems: number = KLAVIYO_LIMITS.arrayItems,
): T[] {
  const kept: T[] = []
  let bytes = 2 // the brackets
  for (const item of list) {
    if (kept.length === maxItems) break
    const size = utf8Bytes(JSON.stringify(item)) + (kept.length > 0 ? 1 : 0)
    if (bytes + size > maxBytes) break
    kept.push(item)
    bytes += size
  }
  return kept
}
