/**
 * Exact decimal arithmetic for amounts: QBO checks `Amount == Qty × UnitPrice` to the cent and rounds
 * half-up (reference §5 "Lines"), which binary floating point gets wrong (e.g. 1861.075). Numbers are
 * read from their shortest decimal text, so 19.99 is exactly 1999/100.
 */

export interface Decimal {
  units: bigint
  scale: number
}

export function decimal(n: number): Decimal {
  const [mantissa = '0', exponentText = '0'] = String(n).toLowerCase().split('e')
  const negative = mantissa.startsWith('-')
  const [whole = '0', fraction = ''] = mantissa.replace('-', '').split('.')
  let units = BigInt(whole + fraction)
  let scale = fraction.length - Number(exponentText)
  if (scale < 0) {
    units *= 10n ** BigInt(-scale)
    scale = 0
  }
  return { units: negative ? -units : units, scale }
}

export function multiply(a: Decimal, b: Decimal): Decimal {
  return { units: a.units * b.units, scale: a.scale + b.scale }
}

/** Rounds to `digits` decimals, half away from zero. */
export function roundTo(d: Decimal, digits: number): bigint {
  if (d.scale <= digits) return d.units * 10n ** BigInt(digits - d.scale)
  const divisor = 10n ** BigInt(d.scale - digits)
  const magnitude = d.units < 0n ? -d.units : d.units
  const rounded = (magnitude + divisor / 2n) / divisor
  return d.units < 0n ? -rounded : rounded
}

export const cents = (n: number): bigint => roundTo(decimal(n), 2)

export const fromCents = (c: bigint): number => Number(c) / 100

/** `percent` % of an amount in cents, rounded to the cent. */
export function percentOf(amountCents: bigint, percent: number): bigint {
  const product = multiply({ units: amountCents, scale: 2 }, decimal(percent))
  return roundTo({ units: product.units, scale: product.scale + 2 }, 2)
}
