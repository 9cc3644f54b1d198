/**
 * Klaviyo's wire shapes (JSON:API, snake_case), revision 2026-07-15, for the three calls we make
 * (reference §2, §3, §5). Kept apart from the mapper so the mapper speaks in these types and the
 * client only wraps and sends them.
 */
import { z } from 'zod'

/** Profile attributes we send. Omitted fields are left alone by Klaviyo; we never send null. */
export interface KlaviyoProfileAttributes {
  email: string
  phone_number?: string
  first_name?: string
  last_name?: string
}

/** A property value as we send it: JSON without nulls. */
export type KlaviyoPropertyValue =
  | string
  | number
  | boolean
  | KlaviyoPropertyValue[]
  | { [key: string]: KlaviyoPropertyValue }

export type KlaviyoProperties = Record<string, KlaviyoPropertyValue>

export interface KlaviyoMetric {
  data: { type: 'metric'; attributes: { name: string } }
}

export interface KlaviyoProfileResource {
  data: { type: 'profile'; attributes: KlaviyoProfileAttributes }
}

/** An event as it sits inside a bulk job entry: everything but the profile. */
export interface KlaviyoInnerEventAttributes {
  metric: KlaviyoMetric
  properties: KlaviyoProperties
  /** ISO 8601 UTC. */
  time: string
  value?: number
  value_currency?: string
  unique_id: string
  /** Sent only when true (revision 2026-04-15+): record without firing flows. */
  backfill?: true
}

/** `data.attributes` of Create Event: the inner event plus its profile. */
export interface KlaviyoEventAttributes extends KlaviyoInnerEventAttributes {
  profile: KlaviyoProfileResource
}

export interface CreateEventRequest {
  data: { type: 'event'; attributes: KlaviyoEventAttributes }
}

export interface BulkCreateEntry {
  type: 'event-bulk-create'
  attributes: {
    profile: KlaviyoProfileResource
    events: { data: { type: 'event'; attributes: KlaviyoInnerEventAttributes }[] }
  }
}

export interface BulkCreateJobRequest {
  data: {
    type: 'event-bulk-create-job'
    attributes: { 'events-bulk-create': { data: BulkCreateEntry[] } }
  }
}

/** One JSON:API error; third-party input, so every field is optional and extras are tolerated. */
export const klaviyoApiErrorSchema = z.looseObject({
  id: z.string().optional(),
  status: z.union([z.number(), z.string()]).optional(),
  code: z.string().optional(),
  title: z.string().optional(),
  detail: z.string().optional(),
  source: z.looseObject({ pointer: z.string().optional(), parameter: z.string().optional() }).optional(),
})

export type KlaviyoApiError = z.infer<typeof klaviyoApiErrorSchema>

export const klaviyoErrorDocumentSchema = z.looseObject({ errors: z.array(klaviyoApiErrorSchema).min(1) })
