/**
 * Builds destinations from their config. A new destination type is one folder plus one case here.
 */
import type { Kysely } from 'kysely'
import type { DestinationConfig } from '../config/schema.js'
import type { DeliveryRoute } from '../store/event-log.js'
import type { Database } from '../store/schema.js'
import type { Destination } from './destination.js'
import { filterEvent } from './filter.js'
import { createKlaviyoDestination } from './klaviyo/index.js'
import { createQuickBooksDestination } from './quickbooks/index.js'

export interface ConfiguredDestination {
  destination: Destination
  /** Decides at logging time which events this destination skips, so status can show why. */
  route: DeliveryRoute
}

export function createDestination(
  config: DestinationConfig,
  /** `db`: the open store; QuickBooks keeps its tokens and booked documents there. */
  deps: { fetch?: typeof fetch; db?: Kysely<Database> } = {},
): ConfiguredDestination {
  switch (config.type) {
    case 'klaviyo': {
      const filter = {
        accounts: config.accounts,
        stores: config.stores,
        events: config.events,
        shippedRequiresLabel: config.shippedRequiresLabel,
        sendHistory: config.sendHistory,
      }
      const destination = createKlaviyoDestination(
        {
          id: config.id,
          apiKey: config.apiKey,
          baseUrl: config.baseUrl,
          revision: config.revision,
          eventNames: config.eventNames,
          ...filter,
          batchSize: config.batchSize,
        },
        deps,
      )
      return { destination, route: { id: config.id, skipReason: (event) => filterEvent(event, filter) } }
    }
    case 'quickbooks': {
      const filter = {
        accounts: config.accounts,
        stores: config.stores,
        events: config.events,
        shippedRequiresLabel: false,
        sendHistory: config.sendHistory,
      }
      const { endpoints, type: _type, ...options } = config
      const destination = createQuickBooksDestination(
        {
          ...options,
          apiUrl: endpoints.api,
          tokenUrl: endpoints.bearer,
          storePrefixes: { ...config.storePrefixes },
        },
        deps,
      )
      return { destination, route: { id: config.id, skipReason: (event) => filterEvent(event, filter) } }
    }
  }
}
