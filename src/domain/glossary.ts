/**
 * Glossary. Every name in the code base uses these words with these meanings and no synonyms.
 *
 * - **account**: one ShipStation API key pair, configured under `accounts[]` with an id of our own.
 * - **store**: a ShipStation store (a sales channel) inside an account.
 * - **stream**: one ShipStation list endpoint we read incrementally (orders, shipments, fulfillments).
 * - **cursor**: per account and stream, the ShipStation time up to which everything read is committed.
 *   It only moves forward, and only past records whose effects are committed.
 * - **snapshot**: what we last saw of an order (status, modifyDate, the facts an event needs).
 * - **change**: a status an order entered, found by comparing a fresh order with its snapshot.
 * - **event**: a change written to the event log, with a deterministic id, the time it happened in
 *   ShipStation (UTC) and the properties a message needs. `historical` events come from the backfill.
 * - **destination**: a configured place events go to (Klaviyo, later QuickBooks and webhooks).
 * - **delivery**: the state of one event at one destination: pending, delivered (with a receipt),
 *   skipped (with a reason: filtered, no email, …) or dead (with the destination's error).
 * - **cycle**: one pass of the sync engine over an account's streams.
 */
export {}
