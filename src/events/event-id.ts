import { createHash } from 'node:crypto'

/**
 * Event ids are a pure function of (account, order, change), so the same change gets the same id in
 * any process after any restart, and destinations can use it as their idempotency key.
 * `anchor` says which occurrence of a status this is: `initial` for the first time shiprelay sees an
 * order, the label or fulfilment id for shipping, else ShipStation's modifyDate of the change.
 */
export function eventId(accountId: string, orderId: number, eventName: string, anchor: string): string {
  const digest = createHash('sha256')
    .update(`${accountId}\n${orderId}\n${eventName}\n${anchor}`)
    .digest('hex')
  return `ev_${digest.slice(0, 40)}`
}
