/**
 * Amounts in integer cents. QBO rejects a line whose Amount is not Qty × UnitPrice rounded half-up to
 * the cent (6070, reference §5), and binary floats get that wrong (1861.075). Prices are taken to
 * micro-units and quantities to thousandths, multiplied as BigInt, then rounded once.
 */
export function toCents(amount: number): number {
  return Number(roundHalfUp(BigInt(Math.round(amount * 1e6)), 10_000n))
}

/** round-half-up(qty × unitPrice) in cents: the Amount QBO expects for this Qty and UnitPrice. */
export function lineCents(quantity: number, unitPrice: number): number {
  const qty = BigInt(Math.round(quantity * 1000))
  const price = BigInt(Math.round(unitPrice * 1e6))
  return Number(roundHalfUp(qty * price, 10_000_000n))
}

/** UnitPrice as QBO reads it back: at most six decimals, so QBO's product equals ours. */
export function exactPrice(unitPrice: number): number {
  return Math.round(unitPrice * 1e6) / 1e6
}

export function fromCents(cents: number): number {
  return cents / 100
}

function roundHalfUp(value: bigint, divisor: bigint): bigint {
  const magnitude = value < 0n ? -value : value
  const rounded = (magnitude + divisor / 2n) / divisor
  return value < 0n ? -rounded : rounded
}
