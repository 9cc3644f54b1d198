import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  type ShipStationSimulator,
  type SimulatorOptions,
  startShipStationSimulator,
} from '../../../src/simulators/shipstation/index.js'
import { jsonOrUndefined } from '../common/json-text.js'

export const KEY = 'test-key'
export const SECRET = 'test-secret'

/** 2024-11-20 12:00 Pacific: fixed so generated dates are reproducible. */
export const START_AT = Date.parse('2024-11-20T20:00:00Z')

export function basic(key = KEY, secret = SECRET): string {
  return `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`
}

export async function start(options: SimulatorOptions = {}): Promise<ShipStationSimulator> {
  return startShipStationSimulator({
    apiKey: KEY,
    apiSecret: SECRET,
    orders: 300,
    startAt: START_AT,
    rateLimit: 100_000,
    ...options,
  })
}

export interface Answer {
  status: number
  headers: Headers
  text: string
  // biome-ignore lint/suspicious/noExplicitAny: JSON bodies are inspected field by field in tests
  body: any
}

/** A request to the public API with the test credentials (override with `auth`). */
export async function api(
  sim: { url: string },
  path: string,
  init: {
    method?: string
    body?: unknown
    rawBody?: string
    auth?: string | null
    contentType?: string
  } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {}
  if (init.auth !== null) headers.authorization = init.auth ?? basic()
  if (init.body !== undefined || init.rawBody !== undefined)
    headers['content-type'] = init.contentType ?? 'application/json'
  const response = await fetch(`${sim.url}${path}`, {
    method: init.method ?? 'GET',
    headers,
    ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
    ...(init.rawBody !== undefined && { body: init.rawBody }),
  })
  const text = await response.text()
  return { status: response.status, headers: response.headers, text, body: jsonOrUndefined(text) }
}

/** A /_sim control call (JSON in, JSON out). */
export async function control(
  sim: { url: string },
  method: string,
  path: string,
  body?: unknown,
): Promise<Answer> {
  return api(sim, `/_sim${path}`, { method, auth: null, ...(body !== undefined && { body }) })
}

export interface Target {
  url: string
  received: { resource_url: string; resource_type: string }[]
  close(): Promise<void>
}

/** A local HTTP server that records webhook POSTs (answers `status`). */
export async function webhookTarget(status = 200): Promise<Target> {
  const received: Target['received'] = []
  const server: Server = createServer((request, response) => {
    let data = ''
    request.on('data', (chunk) => {
      data += chunk
    })
    request.on('end', () => {
      received.push(JSON.parse(data))
      response.statusCode = status
      response.end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

/** Keys of the order model in live-response order (reference §6.3). */
export const ORDER_KEYS = [
  'orderId',
  'orderNumber',
  'orderKey',
  'orderDate',
  'createDate',
  'modifyDate',
  'paymentDate',
  'shipByDate',
  'orderStatus',
  'customerId',
  'customerUsername',
  'customerEmail',
  'billTo',
  'shipTo',
  'items',
  'orderTotal',
  'amountPaid',
  'taxAmount',
  'shippingAmount',
  'customerNotes',
  'internalNotes',
  'gift',
  'giftMessage',
  'paymentMethod',
  'requestedShippingService',
  'carrierCode',
  'serviceCode',
  'packageCode',
  'confirmation',
  'shipDate',
  'holdUntilDate',
  'weight',
  'dimensions',
  'insuranceOptions',
  'internationalOptions',
  'advancedOptions',
  'tagIds',
  'userId',
  'externallyFulfilled',
  'externallyFulfilledBy',
  'externallyFulfilledById',
  'externallyFulfilledByName',
  'labelMessages',
]
export const ADDRESS_KEYS = [
  'name',
  'company',
  'street1',
  'street2',
  'street3',
  'city',
  'state',
  'postalCode',
  'country',
  'phone',
  'residential',
  'addressVerified',
]
export const ITEM_KEYS = [
  'orderItemId',
  'lineItemKey',
  'sku',
  'name',
  'imageUrl',
  'weight',
  'quantity',
  'unitPrice',
  'taxAmount',
  'shippingAmount',
  'warehouseLocation',
  'options',
  'productId',
  'fulfillmentSku',
  'adjustment',
  'upc',
  'createDate',
  'modifyDate',
]
export const ADVANCED_KEYS = [
  'warehouseId',
  'nonMachinable',
  'saturdayDelivery',
  'containsAlcohol',
  'mergedOrSplit',
  'mergedIds',
  'parentId',
  'storeId',
  'customField1',
  'customField2',
  'customField3',
  'source',
  'billToParty',
  'billToAccount',
  'billToPostalCode',
  'billToCountryCode',
  'billToMyOtherAccount',
]
export const SHIPMENT_KEYS = [
  'shipmentId',
  'orderId',
  'orderKey',
  'userId',
  'customerEmail',
  'orderNumber',
  'createDate',
  'shipDate',
  'shipmentCost',
  'insuranceCost',
  'trackingNumber',
  'isReturnLabel',
  'batchNumber',
  'carrierCode',
  'serviceCode',
  'packageCode',
  'confirmation',
  'warehouseId',
  'voided',
  'voidDate',
  'marketplaceNotified',
  'notifyErrorMessage',
  'shipTo',
  'weight',
  'dimensions',
  'insuranceOptions',
  'advancedOptions',
  'shipmentItems',
  'labelData',
  'formData',
]
export const FULFILLMENT_KEYS = [
  'fulfillmentId',
  'orderId',
  'orderNumber',
  'userId',
  'customerEmail',
  'trackingNumber',
  'createDate',
  'shipDate',
  'voidDate',
  'deliveryDate',
  'carrierCode',
  'sellerFillProviderId',
  'sellerFillProviderName',
  'fulfillmentProviderCode',
  'fulfillmentServiceCode',
  'fulfillmentFee',
  'voidRequested',
  'voided',
  'marketplaceNotified',
  'notifyErrorMessage',
  'shipTo',
]
export const STORE_KEYS = [
  'storeId',
  'storeName',
  'marketplaceId',
  'marketplaceName',
  'accountName',
  'email',
  'integrationUrl',
  'active',
  'companyName',
  'phone',
  'publicEmail',
  'website',
  'refreshDate',
  'lastRefreshAttempt',
  'createDate',
  'modifyDate',
  'autoRefresh',
]

export const DATE7 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}$/
export const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/
export const DATE_TRIMMED = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{0,2}[1-9])?$/
