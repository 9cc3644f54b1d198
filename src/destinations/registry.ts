/**
 * Builds destinations from their config. A new destination type is one folder plus one case here.
 */
import type { DestinationConfig } from '../config/schema.js'
import type { DeliveryRoute } from '../store/event-log.js'
import type { Destination } from './destination.js'
import { filterEvent } from './filter.js'
import { createKlaviyoDestination } from './klaviyo/index.js'

export interface ConfiguredDestination {
  destination: Destination
  /** Decides at logging time which events this destination skips, so status can show why. */
  route: DeliveryRoute
}

export function createDestination(
  config: DestinationConfig,
  deps: { fetch?: typeof fetch } = {},
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
  }
}
