/**
 * Customers, items and the income account of one realm, read once and cached: queries are metered
 * CorePlus reads (reference §10), creates are not. A warm directory resolves an order with no read at
 * all; it is reloaded only when QBO says a cached reference went inactive (610). Resolution runs one
 * order at a time so two orders of a new shopper cannot both create her.
 */
import type { OrderEvent } from '../../events/model.js'
import { SerialQueue } from '../../lib/serial-queue.js'
import { type QuickBooksClient, QuickBooksError, type RequestIds } from './client.js'
import { isEmail } from './to-document.js'
import type { QboAccount, QboCustomer, QboItem, Ref } from './types.js'

export interface DirectoryOptions {
  /** `match`: by email, then DisplayName; `perStore`: one customer per store ("Web Store" mode). */
  customers: 'match' | 'perStore'
  /** perStore: this name for every store; default the store name (or "Web Store"). */
  storeCustomerName?: string
  /** Which QBO field holds the ShipStation SKU. */
  itemMatch: 'name' | 'sku'
  /** A SKU missing in QBO: create a NonInventory item, or fail the order (dead) for a person to map. */
  missingItem: 'create' | 'dead'
  /** Item for lines without a SKU (Connex: `unknown_do_not_delete`); created when missing. */
  placeholderItem: string
  /** Income account of created items; default the company's product sales income account. */
  incomeAccountId?: string
  /** The account RefundReceipts pay from; default Undeposited Funds, else the first bank account. */
  refundAccountId?: string
}

const NAME_MAX = 100
const ITEM_RELOAD_MS = 60_000

export class Directory {
  #customers: QboCustomer[] | undefined
  #items: QboItem[] | undefined
  #itemsLoadedAt = 0
  #incomeAccount: string | undefined
  #refundAccount: string | undefined
  readonly #queue = new SerialQueue()

  constructor(
    private readonly client: QuickBooksClient,
    private readonly options: DirectoryOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** Forgets everything; the next order reloads (after a 610: something cached went inactive). */
  invalidate(): void {
    this.#customers = undefined
    this.#items = undefined
  }

  /** An item of our own by name (the tax item): found, or created even with `missingItem: dead`. */
  namedItem(name: string, description: string, ids: RequestIds): Promise<Ref> {
    return this.#queue.run(async () => {
      const key = clean(name)
      const found = (await this.#loadItems()).find((item) => same(item.Name, key))
      return found ? ref(found) : this.#createItem(key, undefined, description, ids, 'tax')
    })
  }

  resolve(event: OrderEvent, ids: RequestIds): Promise<{ customer: Ref; items: Ref[] }> {
    return this.#queue.run(async () => {
      const customer = await this.#customer(event, ids)
      const items: Ref[] = []
      for (const [i, item] of event.order.items.entries()) {
        items.push(await this.#item(item.sku?.trim() || undefined, item.name, ids, i))
      }
      return { customer, items }
    })
  }

  async #customer(event: OrderEvent, ids: RequestIds): Promise<Ref> {
    const customers = await this.#loadCustomers()
    if (this.options.customers === 'perStore') {
      const name = clean(this.options.storeCustomerName ?? event.order.storeName ?? 'Web Store')
      const found = customers.find((c) => same(c.DisplayName, name))
      if (found) return ref(found)
      return this.#createCustomer([name, `${name} (customer)`], undefined, ids)
    }
    const email = event.customer.email?.trim().toLowerCase() || undefined
    if (email) {
      const byEmail = customers.find((c) => same(c.PrimaryEmailAddr?.Address, email))
      if (byEmail) return ref(byEmail)
    }
    const person = [event.customer.firstName, event.customer.lastName].filter(Boolean).join(' ')
    const name = clean(person || email || `ShipStation order ${event.order.orderNumber}`)
    const byName = customers.find((c) => same(c.DisplayName, name))
    // Same name, no email on either side or no conflict: the same customer. Another email: another person.
    if (byName && (!email || !byName.PrimaryEmailAddr?.Address)) return ref(byName)
    // 6240 rule (names are shared with vendors and employees): "Name", then "Name (email)", then numbered.
    const qualified = clean(`${name} (${email ?? `#${event.order.orderNumber}`})`)
    return this.#createCustomer([name, qualified, `${qualified} 2`, `${qualified} 3`], email, ids)
  }

  async #createCustomer(names: string[], email: string | undefined, ids: RequestIds): Promise<Ref> {
    const customers = await this.#loadCustomers()
    for (const [i, name] of names.entries()) {
      if (customers.some((c) => same(c.DisplayName, name))) continue
      try {
        const created = await this.client.write<QboCustomer>(
          'Customer',
          {
            DisplayName: name,
            ...(email && isEmail(email) ? { PrimaryEmailAddr: { Address: email } } : {}),
          },
          ids(`c${i}`),
        )
        customers.push(created)
        return ref(created)
      } catch (error) {
        if (error instanceof QuickBooksError && error.has('6240')) continue
        throw error
      }
    }
    throw new QuickBooksError('permanent', `no free customer name among ${names.join(', ')} (6240 for each)`)
  }

  async #item(
    sku: string | undefined,
    description: string | null,
    ids: RequestIds,
    index: number,
  ): Promise<Ref> {
    const items = await this.#loadItems()
    const key = clean(sku ?? this.options.placeholderItem)
    const match = (item: QboItem) =>
      sku === undefined || this.options.itemMatch === 'name' ? same(item.Name, key) : same(item.Sku, sku)
    let found = items.find(match)
    // Someone may have created it since the list was read (then `shiprelay retry`): look again, at most
    // once a minute, so a run of orders with one unmapped SKU costs one metered read, not one each.
    if (!found && sku !== undefined && this.options.missingItem === 'dead' && this.#itemsStale()) {
      this.#items = undefined
      found = (await this.#loadItems()).find(match)
    }
    if (found) return ref(found)
    if (sku !== undefined && this.options.missingItem === 'dead') {
      throw new QuickBooksError(
        'permanent',
        `item ${this.options.itemMatch === 'name' ? 'named' : 'with SKU'} ${JSON.stringify(sku)} is not in ` +
          'QuickBooks (missingItem: dead): create or map it in QuickBooks, then retry the delivery',
      )
    }
    return this.#createItem(key, sku, description, ids, index)
  }

  async #createItem(
    name: string,
    sku: string | undefined,
    description: string | null,
    ids: RequestIds,
    suffix: string | number,
  ): Promise<Ref> {
    const items = await this.#loadItems()
    try {
      const created = await this.client.write<QboItem>(
        'Item',
        {
          Name: name,
          ...(sku ? { Sku: sku.slice(0, NAME_MAX) } : {}),
          ...(description ? { Description: description.slice(0, 4000) } : {}),
          Type: 'NonInventory',
          IncomeAccountRef: { value: await this.#income() },
        },
        ids(`i${suffix}`),
      )
      items.push(created)
      return ref(created)
    } catch (error) {
      if (error instanceof QuickBooksError && error.has('6240')) {
        throw new QuickBooksError(
          'permanent',
          `item ${JSON.stringify(name)} exists in QuickBooks but is inactive (6240 on create): reactivate it`,
          error.errors,
        )
      }
      throw error
    }
  }

  async #income(): Promise<string> {
    if (this.options.incomeAccountId) return this.options.incomeAccountId
    if (this.#incomeAccount) return this.#incomeAccount
    const accounts = await this.client.queryAll<QboAccount>(
      'Account',
      "select * from Account where AccountType = 'Income'",
    )
    const account = accounts.find((a) => a.AccountSubType === 'SalesOfProductIncome') ?? accounts[0]
    if (!account)
      throw new QuickBooksError('permanent', 'no Income account in QuickBooks; set incomeAccountId')
    this.#incomeAccount = account.Id
    return account.Id
  }

  /** Where refunds are paid from: `refundAccountId`, else Undeposited Funds, else the first bank account. */
  async refundAccount(): Promise<Ref> {
    if (this.options.refundAccountId) return { value: this.options.refundAccountId }
    if (!this.#refundAccount) {
      const accounts = await this.client.queryAll<QboAccount>(
        'Account',
        "select * from Account where AccountType IN ('Bank', 'Other Current Asset')",
      )
      const account =
        accounts.find((a) => a.AccountSubType === 'UndepositedFunds') ??
        accounts.find((a) => a.AccountType === 'Bank')
      if (!account) {
        throw new QuickBooksError(
          'permanent',
          'no Undeposited Funds or bank account in QuickBooks to refund from; set refundAccountId',
        )
      }
      this.#refundAccount = account.Id
    }
    return { value: this.#refundAccount }
  }

  async #loadCustomers(): Promise<QboCustomer[]> {
    this.#customers ??= await this.client.queryAll<QboCustomer>('Customer', 'select * from Customer')
    return this.#customers
  }

  async #loadItems(): Promise<QboItem[]> {
    if (!this.#items) {
      this.#items = await this.client.queryAll<QboItem>('Item', 'select * from Item')
      this.#itemsLoadedAt = this.now()
    }
    return this.#items
  }

  #itemsStale(): boolean {
    return this.now() - this.#itemsLoadedAt >= ITEM_RELOAD_MS
  }
}

function ref(entity: { Id: string }): Ref {
  return { value: entity.Id }
}

function same(a: string | undefined, b: string): boolean {
  return a !== undefined && a.trim().toLowerCase() === b.trim().toLowerCase()
}

/** Name-list rules (reference §5): no `:` (the Parent:Child separator), tab or newline; ≤ 100 characters. */
function clean(name: string): string {
  return name
    .replace(/[:\t\r\n]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, NAME_MAX)
}
