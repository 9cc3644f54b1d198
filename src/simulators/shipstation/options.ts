/** Options of `startShipStationSimulator` and the CLI, validated with zod. */
import { z } from 'zod'
import { faultSettingsSchema } from '../common/faults.js'
import { webhookKnobsSchema } from './webhooks.js'

export const accountSchema = z
  .object({
    apiKey: z.string().min(1),
    apiSecret: z.string().min(1),
    seed: z.number().int().default(1),
    /** Orders generated over the 90 days before the start time. */
    orders: z.number().int().min(0).max(2_000_000).default(2000),
    /** Active stores (1–8), cycling Shopify, Amazon, eBay, manual; one inactive store is added. */
    stores: z.number().int().min(1).max(8).optional(),
  })
  .strict()

export const simulatorOptionsSchema = z
  .object({
    port: z.number().int().min(0).max(65535).default(0),
    host: z.string().default('127.0.0.1'),
    /** Base URL put in webhook resource_urls; defaults to the address the server listens on. */
    publicUrl: z.url().optional(),
    /** Several accounts, each its own world and rate-limit bucket. Overrides the single-account fields. */
    accounts: z.array(accountSchema).min(1).optional(),
    apiKey: z.string().min(1).default('ShipStation'),
    apiSecret: z.string().min(1).default('Rocks'),
    seed: z.number().int().default(1),
    orders: z.number().int().min(0).max(2_000_000).default(2000),
    stores: z.number().int().min(1).max(8).optional(),
    rateLimit: z.number().int().min(1).default(40),
    rateWindowMs: z.number().int().min(1).default(60_000),
    /**
     * X-Rate-Limit-Reset is the time left in the window rounded up to this many milliseconds, sent in
     * seconds. ShipStation sends whole seconds (1000). A benchmark that scales the window down scales
     * this with it (a 600-ms window: 10), so the header keeps its real-world precision; fractional
     * values are then a bench-only deviation from the real header.
     */
    rateResetResolutionMs: z.number().int().min(1).max(1000).default(1000),
    /** Start of the simulated clock (epoch ms or ISO text); the world is generated relative to it. */
    startAt: z.union([z.number(), z.iso.datetime({ offset: true })]).optional(),
    faults: faultSettingsSchema.partial().optional(),
    webhooks: webhookKnobsSchema.partial().optional(),
  })
  .strict()

export type SimulatorOptions = z.input<typeof simulatorOptionsSchema>
export type AccountOptions = z.input<typeof accountSchema>
