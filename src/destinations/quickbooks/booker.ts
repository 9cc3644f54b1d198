/**
 * One sales document per order (`mode: perOrder`): booked when the order reaches `bookOn`, then kept
 * in step with the order's later events: payment, shipping (also a re-ship with a new label), further
 * split parts (merged into the document, or booked on their own), cancellation (void or credit).
 * Every write carries a requestid derived from the event, and what was written is stored before the
 * outcome, so a redelivered event finds its work done. See docs/destinations/quickbooks.md.
 */
import type { OrderEvent } from '../../events/model.js'
import { dayInZone } from '../../lib/pacific-time.js'
import type {
  BookedDocument,
  BookedPart,
  BookedShipping,
  DocumentStore,
} from '../../store/quickbooks-documents.js'
import type { DeliveryOutcome } from '../destination.js'
import { storeMatches } from '../filter.js'
import { type QuickBooksClient, QuickBooksError, type RequestIds, requestIdsFrom } from './client.js'
import { type CreditType, creditBody, creditTypeOf, sourceOf } from './credit.js'
import type { Directory } from './directory.js'
import type { DocIndex, SalesFormType } from './doc-index.js'
import type { QuickBooksDestinationOptions } from './index.js'
import { hasPart, mergePart } from './merge-part.js'
import { fromCents, toCents } from './money.js'
import {
  docNumberFor,
  type ResolvedRefs,
  rootOrderNumber,
  shippingFields,
  taxModeOf,
  toSalesForm,
} from './to-document.js'
import type { QboTransaction, Ref } from './types.js'

/** References for computing a total only (amounts do not depend on them). */
const UNRESOLVED = { customer: { value: '' }, items: [] }

/** Split parts share their parent's key: their events run in sequence, and merge onto one document. */
export function sequenceKey(event: OrderEvent): string {
  return `${event.accountId}:${rootOrderNumber(event)}`
}

function ownKey(event: OrderEvent): string {
  return `${event.accountId}:${event.order.orderNumber}`
}

/**
 * Per (destination, event, generation): the destination is part of it so two destinations on one
 * company never replay each other's answers.
 */
export function requestIds(destinationId: string, event: OrderEvent, generation = 0): RequestIds {
  return requestIdsFrom(`${destinationId}\n${event.id}${generation > 0 ? `\n${generation}` : ''}`)
}

interface Credit {
  type: CreditType
  id: string
  cents: number
}

/** Where an event's order is (or would be) booked. */
interface Place {
  key: string
  /** The order number the document is numbered after. */
  number: string
  booked: BookedDocument | undefined
}

export class Booker {
  /** The requestid generation of each event being handled (see DocumentStore.generation). */
  readonly #generations = new Map<string, number>()

  constructor(
    private readonly options: QuickBooksDestinationOptions,
    private readonly client: QuickBooksClient,
    private readonly directory: Directory,
    private readonly index: DocIndex,
    private readonly documents: DocumentStore,
  ) {}

  async handle(event: OrderEvent): Promise<DeliveryOutcome> {
    this.#generations.set(event.id, await this.documents.generation(event.id))
    try {
      return await this.#handle(event)
    } catch (error) {
      // QuickBooks answered with a fault: nothing was written under these ids, and replaying them
      // would return the same fault even after the cause is fixed. Our own refusals have no status.
      if (error instanceof QuickBooksError && error.kind === 'permanent' && error.status !== undefined)
        await this.documents.nextGeneration(event.id)
      throw error
    } finally {
      this.#generations.delete(event.id)
    }
  }

  #ids(event: OrderEvent): RequestIds {
    return requestIds(this.options.id, event, this.#generations.get(event.id))
  }

  async #handle(event: OrderEvent): Promise<DeliveryOutcome> {
    const place = await this.#locate(event)
    const { booked } = place
    if (event.name === 'Order Canceled') return this.#cancel(event, booked)
    if (!booked) {
      if (event.name === this.options.bookOn) return this.#book(event, place)
      return { kind: 'skipped', reason: `not booked in QuickBooks (books on ${this.options.bookOn})` }
    }
    const part = booked.parts.find((p) => p.orderId === event.order.orderId)
    if (!part) {
      if (event.name === this.options.bookOn) return this.#addPart(event, booked)
      return {
        kind: 'skipped',
        reason: `split part ${event.order.orderNumber} not on ${describe(booked)} yet (books on ${this.options.bookOn})`,
      }
    }
    if (part.state === 'cancelled' || booked.state !== 'booked') {
      return { kind: 'delivered', receipt: `nothing to change on ${describe(booked)} (${booked.state})` }
    }
    if (
      event.name === this.options.bookOn &&
      booked.docType === 'Invoice' &&
      part.paymentId === null &&
      this.#paid(event)
    ) {
      // A crash between the invoice and its payment: the payment is all that is missing.
      await this.#pay(event, booked, part)
    }
    // The document shows the shipping of its first part; a re-ship (new label) replaces it.
    const fields = shippingFields(event)
    if (part === booked.parts[0] && changes(fields, booked.shipping))
      return this.#updateShipping(event, booked, fields)
    return {
      kind: 'delivered',
      receipt: `${event.name === this.options.bookOn ? 'already booked' : 'nothing to change on'} ${describe(booked)}`,
    }
  }

  /**
   * `separate`: every order its own document. `merge`: split parts on the document of their root
   * order number, unless that document was voided or credited before this part came: then the part
   * is booked on its own, under its own number.
   */
  async #locate(event: OrderEvent): Promise<Place> {
    const own = { key: ownKey(event), number: event.order.orderNumber }
    if (this.options.splitOrders === 'separate') return { ...own, booked: await this.documents.get(own.key) }
    const root = { key: sequenceKey(event), number: rootOrderNumber(event) }
    const booked = await this.documents.get(root.key)
    const onIt = booked?.parts.some((p) => p.orderId === event.order.orderId)
    if (!booked || booked.state === 'booked' || onIt || own.key === root.key) return { ...root, booked }
    return { ...own, booked: await this.documents.get(own.key) }
  }

  /** The customer and items of the order, and the tax item when its tax is a line. */
  async #resolve(event: OrderEvent, ids: RequestIds): Promise<ResolvedRefs> {
    const refs: ResolvedRefs = await this.directory.resolve(event, ids)
    if (taxModeOf(event, this.options) === 'line' && (event.order.taxAmount ?? 0) > 0)
      refs.tax = await this.directory.namedItem(this.options.taxItem, 'Sales tax collected', ids)
    return refs
  }

  #paid(event: OrderEvent): boolean {
    return this.options.paidWhen === 'always' || (event.order.amountPaid ?? 0) > 0
  }

  #docNumber(event: OrderEvent, orderNumber: string): string | undefined {
    if (this.options.numbering === 'quickbooks') return undefined
    const prefix =
      Object.entries(this.options.storePrefixes).find(([store]) => storeMatches(store, event.order))?.[1] ??
      this.options.docNumberPrefix
    return docNumberFor(orderNumber, prefix)
  }

  async #book(event: OrderEvent, place: Place): Promise<DeliveryOutcome> {
    const ids = this.#ids(event)
    const paid = this.#paid(event)
    const type: SalesFormType =
      this.options.document === 'salesReceipt' || (this.options.document === 'auto' && paid)
        ? 'SalesReceipt'
        : 'Invoice'
    const docNumber = this.#docNumber(event, place.number)
    if (docNumber !== undefined) {
      const existing = await this.index.find(docNumber)
      // Checked before resolving references, so an order already in QuickBooks creates no customer or item.
      const wantedCents = toSalesForm(event, UNRESOLVED, docNumber, this.options).totalCents
      if (existing) return this.#adopt(event, place, docNumber, existing, wantedCents)
    }
    let refs = await this.#resolve(event, ids)
    let mapped = toSalesForm(event, refs, docNumber, this.options)
    let created: QboTransaction
    const tag = type === 'SalesReceipt' ? 'sr' : 'inv'
    try {
      created = await this.client.write<QboTransaction>(type, mapped.body, ids(tag))
    } catch (error) {
      if (!(error instanceof QuickBooksError)) throw error
      if (error.has('6140') && docNumber !== undefined) {
        const holder = /TxnType=(\w+) with TxnId=(\w+)/.exec(
          error.errors.find((e) => e.code === '6140')!.detail,
        )
        const holderType = holder?.[1] === 'Invoice' ? 'Invoice' : 'SalesReceipt'
        const found = await this.client.read<QboTransaction>(holderType, holder?.[2] ?? '')
        const existing = {
          type: holderType,
          id: found.Id,
          syncToken: found.SyncToken,
          totalCents: toCents(found.TotalAmt ?? 0),
        } as const
        return this.#adopt(event, place, docNumber, existing, mapped.totalCents)
      }
      if (!error.has('610')) throw error
      // A cached customer or item went inactive: reload once and try again with fresh references.
      this.directory.invalidate()
      refs = await this.#resolve(event, ids)
      mapped = toSalesForm(event, refs, docNumber, this.options)
      created = await this.client.write<QboTransaction>(type, mapped.body, ids(`${tag}2`))
    }
    const fields = shippingFields(event)
    const document: BookedDocument = {
      orderKey: place.key,
      docType: type,
      docId: created.Id,
      syncToken: created.SyncToken,
      docNumber: created.DocNumber ?? null,
      totalCents: toCents(created.TotalAmt ?? 0),
      state: 'booked',
      parts: [newPart(event, toCents(created.TotalAmt ?? 0), null)],
      shipping: Object.keys(fields).length > 0 ? fields : null,
      creditId: null,
    }
    await this.documents.put(document)
    this.#indexed(document)
    if (type === 'Invoice' && paid) await this.#pay(event, document, document.parts[0]!)
    return { kind: 'delivered', receipt: describe(document) }
  }

  /** The DocNumber is taken: the same totals mean this order is already there; others are a conflict. */
  async #adopt(
    event: OrderEvent,
    place: Place,
    docNumber: string,
    existing: { type: SalesFormType; id: string; syncToken: string; totalCents: number },
    wantedCents: number,
  ): Promise<DeliveryOutcome> {
    if (existing.totalCents !== wantedCents) {
      return {
        kind: 'dead',
        reason:
          `DocNumber ${docNumber} is already used by ${existing.type} ${existing.id} with total ${(existing.totalCents / 100).toFixed(2)}, ` +
          `not this order's ${(wantedCents / 100).toFixed(2)}: set docNumberPrefix (or a store prefix) or numbering: quickbooks`,
      }
    }
    const document: BookedDocument = {
      orderKey: place.key,
      docType: existing.type,
      docId: existing.id,
      syncToken: existing.syncToken,
      docNumber,
      totalCents: existing.totalCents,
      state: 'booked',
      // An adopted Invoice is taken as it is: its payments are whoever booked it's business.
      parts: [newPart(event, existing.totalCents, existing.type === 'Invoice' ? 'existing' : null)],
      // Unknown: what the other booker wrote. The next shipping event writes ours once.
      shipping: null,
      creditId: null,
    }
    await this.documents.put(document)
    return { kind: 'delivered', receipt: `already in QuickBooks: ${describe(document)}` }
  }

  /**
   * Another split part reaches bookOn: its lines join the document (one read for the current lines
   * and SyncToken; splits are rare). The PrivateNote names every part, so a merge repeated after a
   * crash is seen on the document and not written twice.
   */
  async #addPart(event: OrderEvent, booked: BookedDocument): Promise<DeliveryOutcome> {
    const ids = this.#ids(event)
    const refs = await this.#resolve(event, ids)
    const mapped = toSalesForm(event, refs, undefined, this.options)
    const { orderNumber } = event.order
    const details = [event.shipping?.trackingNumber, event.shipping?.shipDate].filter(Boolean).join(', ')
    let updated: QboTransaction | undefined
    for (let attempt = 1; !updated; attempt++) {
      const current = await this.client.read<QboTransaction>(booked.docType, booked.docId)
      if (hasPart(current, orderNumber)) {
        updated = current
        break
      }
      try {
        updated = await this.client.write<QboTransaction>(
          booked.docType,
          mergePart(current, mapped.body, orderNumber, details || 'not shipped'),
          ids(`part${attempt}`),
        )
      } catch (error) {
        // 5010: edited in QuickBooks since the read; read it again, once.
        if (!(error instanceof QuickBooksError && error.has('5010')) || attempt >= 2) throw error
      }
    }
    const part = newPart(event, mapped.totalCents, null)
    booked.parts.push(part)
    booked.syncToken = updated.SyncToken
    booked.totalCents = toCents(updated.TotalAmt ?? 0)
    await this.documents.put(booked)
    this.#indexed(booked)
    // The invoice's customer pays for every part (parts normally share it; a changed shopper would not link).
    if (booked.docType === 'Invoice' && this.#paid(event))
      await this.#pay(event, booked, part, updated.CustomerRef)
    return { kind: 'delivered', receipt: `part ${orderNumber} added to ${describe(booked)}` }
  }

  async #pay(event: OrderEvent, invoice: BookedDocument, part: BookedPart, payer?: Ref): Promise<void> {
    const ids = this.#ids(event)
    const customer = payer ?? (await this.#resolve(event, ids)).customer
    const payment = await this.client.write<QboTransaction>(
      'Payment',
      {
        CustomerRef: customer,
        TotalAmt: part.totalCents / 100,
        TxnDate: toSalesForm(event, { customer, items: [] }, undefined, this.options).body.TxnDate,
        Line: [{ Amount: part.totalCents / 100, LinkedTxn: [{ TxnId: invoice.docId, TxnType: 'Invoice' }] }],
      },
      ids('pay'),
    )
    part.paymentId = payment.Id
    await this.documents.put(invoice)
  }

  async #updateShipping(
    event: OrderEvent,
    booked: BookedDocument,
    fields: BookedShipping,
  ): Promise<DeliveryOutcome> {
    const updated = await this.#withSyncToken(booked, (syncToken, attempt) =>
      this.client.write<QboTransaction>(
        booked.docType,
        { Id: booked.docId, SyncToken: syncToken, sparse: true, ...fields },
        this.#ids(event)(`ship${attempt}`),
      ),
    )
    booked.syncToken = updated.SyncToken
    booked.shipping = { ...booked.shipping, ...fields }
    await this.documents.put(booked)
    return { kind: 'delivered', receipt: `shipping on ${describe(booked)}` }
  }

  /**
   * A document of one order is voided (payments first) or credited as `onCancel` says. A part of a
   * document shared with other parts is always credited on its own: voiding would cancel the others.
   */
  async #cancel(event: OrderEvent, booked: BookedDocument | undefined): Promise<DeliveryOutcome> {
    const part = booked?.parts.find((p) => p.orderId === event.order.orderId)
    if (!booked || !part) return { kind: 'skipped', reason: 'not booked in QuickBooks' }
    if (part.state === 'cancelled' || booked.state !== 'booked') {
      return {
        kind: 'delivered',
        receipt: `already ${booked.state === 'booked' ? 'credited' : booked.state}: ${describe(booked)}`,
      }
    }
    if (this.options.onCancel === 'ignore') return { kind: 'skipped', reason: 'onCancel: ignore' }
    if (booked.parts.length > 1) {
      const credit = await this.#credit(event, booked, part)
      part.creditId = `${credit.type} ${credit.id}`
      part.state = 'cancelled'
      await this.documents.put(booked)
      return {
        kind: 'delivered',
        receipt: `part ${part.orderNumber} credited (${part.creditId}) on ${describe(booked)}${await this.#apply(event, booked, credit)}`,
      }
    }
    if (this.options.onCancel === 'void') {
      await this.#void(event, booked)
      booked.state = 'voided'
      part.state = 'cancelled'
      await this.documents.put(booked)
      return { kind: 'delivered', receipt: `voided ${describe(booked)}` }
    }
    const credit = await this.#credit(event, booked, part)
    booked.creditId = `${credit.type} ${credit.id}`
    booked.state = 'credited'
    part.state = 'cancelled'
    await this.documents.put(booked)
    return {
      kind: 'delivered',
      receipt: `credited ${describe(booked)}${await this.#apply(event, booked, credit)}`,
    }
  }

  /**
   * A CreditMemo closes what is still open on its invoice: a Payment of 0 with an Invoice line and a
   * CreditMemo line (QBO's way to apply a credit). The credit is already recorded, so this runs once;
   * if it cannot (the invoice was paid meanwhile, a fault), the credit stays with the customer and the
   * receipt says why — an accountant applies or refunds it.
   */
  async #apply(event: OrderEvent, invoice: BookedDocument, credit: Credit): Promise<string> {
    if (credit.type !== 'CreditMemo') return ''
    try {
      const current = await this.client.read<QboTransaction>('Invoice', invoice.docId)
      const amount = Math.min(toCents(current.Balance ?? 0), credit.cents)
      if (amount <= 0) return '; the invoice was settled, so the credit stays with the customer'
      const payment = await this.client.write<QboTransaction>(
        'Payment',
        {
          CustomerRef: current.CustomerRef,
          TotalAmt: 0,
          TxnDate: dayInZone(event.occurredAt, this.options.timeZone),
          Line: [
            { Amount: fromCents(amount), LinkedTxn: [{ TxnId: invoice.docId, TxnType: 'Invoice' }] },
            { Amount: fromCents(amount), LinkedTxn: [{ TxnId: credit.id, TxnType: 'CreditMemo' }] },
          ],
        },
        this.#ids(event)('apply'),
      )
      return `; applied to the invoice by Payment ${payment.Id}`
    } catch (error) {
      if (!(error instanceof QuickBooksError)) throw error
      return `; not applied to the invoice (${error.message}): the credit stays with the customer`
    }
  }

  async #void(event: OrderEvent, booked: BookedDocument): Promise<void> {
    const ids = this.#ids(event)
    for (const [i, { paymentId }] of booked.parts.entries()) {
      if (!paymentId || paymentId === 'existing') continue
      const payment = { ...booked, docId: paymentId, syncToken: '0' }
      await this.#withSyncToken(
        payment,
        (syncToken, attempt) =>
          this.client.write(
            'Payment',
            { Id: paymentId, SyncToken: syncToken },
            ids(`vpay${i || ''}${attempt}`),
            { operation: 'void' },
          ),
        'Payment',
      )
    }
    const voided = await this.#withSyncToken(booked, (syncToken, attempt) =>
      this.client.write<QboTransaction>(
        booked.docType,
        { Id: booked.docId, SyncToken: syncToken },
        ids(`void${attempt}`),
        { operation: 'void' },
      ),
    )
    booked.syncToken = voided.SyncToken
  }

  /**
   * A RefundReceipt (SalesReceipt) or CreditMemo (Invoice) for the part, dated the day of the
   * cancellation. Its lines are the part's own mapping; for a whole document whose total no longer
   * matches that mapping (the order changed after booking), the document's lines as QuickBooks holds them.
   */
  async #credit(event: OrderEvent, booked: BookedDocument, part: BookedPart): Promise<Credit> {
    const ids = this.#ids(event)
    const type = creditTypeOf(booked.docType)
    const refs = await this.#resolve(event, ids)
    const mapped = toSalesForm(event, refs, undefined, this.options)
    const whole = booked.parts.length === 1
    const source =
      whole && mapped.totalCents !== booked.totalCents
        ? sourceOf(await this.client.read<QboTransaction>(booked.docType, booked.docId))
        : mapped.body
    const body = creditBody({
      type,
      source,
      docNumber: whole ? (booked.docNumber ?? undefined) : this.#docNumber(event, part.orderNumber),
      txnDate: dayInZone(event.occurredAt, this.options.timeZone),
      note: `Cancelled ShipStation order ${part.orderNumber}: credit of ${describe(booked)}`,
      ...(type === 'RefundReceipt' ? { depositAccount: await this.directory.refundAccount() } : {}),
    })
    const created = await this.client.write<QboTransaction>(
      type,
      body,
      ids(type === 'RefundReceipt' ? 'rr' : 'cm'),
    )
    return { type, id: created.Id, cents: toCents(created.TotalAmt ?? 0) }
  }

  /** A write with the stored SyncToken; on 5010 (someone edited it) re-read, and retry once with a new requestid. */
  async #withSyncToken<T>(
    document: BookedDocument,
    write: (syncToken: string, attempt: number) => Promise<T>,
    type: 'SalesReceipt' | 'Invoice' | 'Payment' = document.docType,
  ): Promise<T> {
    try {
      return await write(document.syncToken, 1)
    } catch (error) {
      if (!(error instanceof QuickBooksError && error.has('5010'))) throw error
      const current = await this.client.read<QboTransaction>(type, document.docId)
      return write(current.SyncToken, 2)
    }
  }

  #indexed(document: BookedDocument): void {
    if (!document.docNumber) return
    this.index.add(document.docNumber, {
      type: document.docType,
      id: document.docId,
      syncToken: document.syncToken,
      totalCents: document.totalCents,
    })
  }
}

function newPart(event: OrderEvent, totalCents: number, paymentId: string | null): BookedPart {
  return {
    orderId: event.order.orderId,
    orderNumber: event.order.orderNumber,
    totalCents,
    paymentId,
    state: 'booked',
  }
}

/** True when `fields` would change what the document shows (an event without tracking clears nothing). */
function changes(fields: BookedShipping, written: BookedShipping | null): boolean {
  return Object.entries(fields).some(
    ([key, value]) => JSON.stringify(written?.[key as keyof BookedShipping]) !== JSON.stringify(value),
  )
}

function describe(document: BookedDocument): string {
  return `${document.docType} ${document.docId}${document.docNumber ? ` #${document.docNumber}` : ''}`
}
