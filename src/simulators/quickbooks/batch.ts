/**
 * POST /batch (reference §11): up to 30 items (1040 beyond), each a Query or one entity operation
 * (`create`, `update`, `delete`, `void`, or `update` + `optionsData: "void"`), answered together with 200
 * and matched by `bId`; a failing item carries its own Fault and does not stop the others. Items run in
 * order and each is metered on its own.
 */
import { z } from 'zod'
import type { SeededRandom } from '../common/seeded-random.js'
import {
  batchTooLarge,
  business,
  lengthError,
  QboFault,
  requiredParam,
  throttled,
  unsupportedOperation,
} from './errors.js'
import type { Json } from './input.js'
import { ENTITY_NAMES, type EntityName, type Realm, write } from './operations.js'
import { runQuery } from './query.js'
import type { WriteContext } from './shape.js'
import type { Usage } from './usage.js'

/** bIds ≤ 10 characters when the batch carries a requestid (reference §8). */
const MAX_BID_WITH_REQUEST_ID = 10

const batchSchema = z.looseObject({ BatchItemRequest: z.array(z.unknown()) })
const itemSchema = z.looseObject({ bId: z.union([z.string(), z.number().transform(String)]) })

export interface BatchOptions {
  maxItems: number
  /** Answer items in a shuffled order (responses are matched by bId, not position). */
  shuffle: boolean
  random: SeededRandom
  /** Called once the item count is known; false = throttled (each item counts per minute). */
  takeItems(count: number): boolean
  usage: Usage
}

type Item = z.output<typeof itemSchema> & Json

export function runBatch(
  realm: Realm,
  ctx: WriteContext,
  body: unknown,
  hasRequestId: boolean,
  options: BatchOptions,
) {
  const parsed = batchSchema.safeParse(body)
  if (!parsed.success) throw requiredParam('BatchItemRequest')
  const raw = parsed.data.BatchItemRequest
  if (raw.length === 0) throw requiredParam('BatchItemRequest')
  if (raw.length > options.maxItems) throw batchTooLarge(raw.length, options.maxItems)
  const items: Item[] = raw.map((entry) => {
    const item = itemSchema.safeParse(entry)
    if (!item.success || item.data.bId === '') throw requiredParam('bId')
    return item.data as Item
  })
  const seen = new Set<string>()
  for (const { bId } of items) {
    if (seen.has(bId)) throw business(`The bId ${bId} is used by more than one item of this batch.`)
    seen.add(bId)
    if (hasRequestId && bId.length > MAX_BID_WITH_REQUEST_ID) {
      throw new QboFault([lengthError('bId', MAX_BID_WITH_REQUEST_ID, bId.length)])
    }
  }
  if (!options.takeItems(items.length)) throw throttled()
  const answers = items.map((item) => runItem(realm, ctx, item, options.usage))
  if (options.shuffle) {
    for (let i = answers.length - 1; i > 0; i--) {
      const j = options.random.int(0, i)
      ;[answers[i], answers[j]] = [answers[j]!, answers[i]!]
    }
  }
  return { BatchItemResponse: answers }
}

function runItem(realm: Realm, ctx: WriteContext, item: Item, usage: Usage): Json {
  const { bId } = item
  try {
    if (item.Query !== undefined) {
      usage.add(realm.company.realmId, 'reads')
      return { bId, ...runQuery(realm, String(item.Query)) }
    }
    const entities = Object.keys(item).filter((key): key is EntityName =>
      ENTITY_NAMES.includes(key as EntityName),
    )
    if (entities.length !== 1) throw unsupportedOperation('without exactly one entity or Query')
    const entity = entities[0]!
    if (typeof item.operation !== 'string') throw requiredParam('operation')
    const operation = item.operation === 'update' && item.optionsData === 'void' ? 'void' : item.operation
    usage.add(realm.company.realmId, 'writes')
    return { bId, ...write(ctx, entity, item[entity], operation) }
  } catch (error) {
    if (!(error instanceof QboFault)) throw error
    return { bId, Fault: { Error: error.errors, type: error.type } }
  }
}
