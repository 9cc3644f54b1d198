/** Options of `startKlaviyoSimulator` and `shiprelay sim klaviyo`, validated like any config. */
import { z } from 'zod'
import { isValidZone } from '../../lib/pacific-time.js'
import { SimClock } from '../common/sim-clock.js'
import { klaviyoFaultSettingsSchema } from './faults.js'
import { ENDPOINTS } from './rate-limits.js'

const apiKeySchema = z.union([
  z.string().min(1),
  z.strictObject({
    key: z.string().min(1),
    account: z.string().min(1).optional(),
    scopes: z.array(z.string()).optional(),
  }),
])

const limitSchema = z.strictObject({
  burst: z.number().int().positive().optional(),
  steady: z.number().int().positive().optional(),
})

export const klaviyoSimulatorOptionsSchema = z.strictObject({
  /** 0 picks a free port. */
  port: z.number().int().min(0).max(65_535).default(0),
  host: z.string().default('127.0.0.1'),
  /** Accepted private keys; plain strings share the account `default`. */
  apiKeys: z.array(apiKeySchema).min(1).default(['pk_test']),
  /** Multiplies the §6 tier numbers (at least 1 remains), e.g. 0.01. */
  rateScale: z.number().positive().default(1),
  /** Exact burst/steady limits per endpoint; win over `rateScale`. */
  rateLimits: z.partialRecord(z.enum(ENDPOINTS), limitSchema).default({}),
  burstWindowMs: z.number().int().positive().default(1000),
  steadyWindowMs: z.number().int().positive().default(60_000),
  /** Initial fault knobs (same fields as PUT /_sim/faults). */
  faults: klaviyoFaultSettingsSchema.partial().default({}),
  /** Seeds ids (fault draws have their own `faults.seed`). */
  seed: z.number().int().default(1),
  /** Event property cap: 300 per the ingestion table, although the OpenAPI text says 400. */
  maxEventProperties: z.number().int().positive().default(300),
  /** An event received later than this after its `time` skips flows (reference §8). */
  lateAfterMs: z
    .number()
    .int()
    .positive()
    .default(4 * 3_600_000),
  /** The account's time zone: shown by GET /api/accounts and the default zone of daily counts. */
  timezone: z.string().refine(isValidZone, 'unknown IANA time zone').default('America/New_York'),
  /** A clock to share with other simulators or move from tests; a fresh one by default. */
  clock: z.instanceof(SimClock).optional(),
})

export type KlaviyoSimulatorOptions = z.input<typeof klaviyoSimulatorOptionsSchema>
