/** Options of `startQuickBooksSimulator` and `shiprelay sim quickbooks`, validated like any config. */
import { z } from 'zod'
import { SimClock } from '../common/sim-clock.js'
import { quickBooksFaultSettingsSchema } from './faults.js'
import { companySettingsSchema } from './settings.js'
import { limitsSchema } from './throttle.js'

export const DEFAULT_REALM_ID = '9341450000000001'
export const DEFAULT_CLIENT = { clientId: 'sim-client-id', clientSecret: 'sim-client-secret' }

const clientSchema = z.strictObject({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  /** Registered redirect URIs; empty accepts any http(s) URI (local CLIs listen on random ports). */
  redirectUris: z.array(z.url()).default([]),
})

const realmSchema = z.strictObject({
  /** Digits, like Intuit's company ids. */
  realmId: z.string().regex(/^\d{1,20}$/, 'a realm id is 1–20 digits'),
  settings: companySettingsSchema.partial().default({}),
})

const tokenSchema = z.strictObject({
  /** `expires_in` (reference §2: 3600). */
  accessTokenTtlSeconds: z.number().int().positive().default(3600),
  /** `x_refresh_token_expires_in`, rolling (reference §2: 8726400, ~101 days). */
  refreshTokenTtlSeconds: z.number().int().positive().default(8_726_400),
  /** Absolute life of a connection (reference §2: 5 years). */
  hardExpirySeconds: z
    .number()
    .int()
    .positive()
    .default(5 * 365 * 86_400),
  /** How long a superseded refresh token still works (reference §2: 24 h). */
  refreshGraceMs: z.number().int().min(0).default(86_400_000),
  /** 0: a new refresh token on every refresh; N: a new one only when the current is N ms old. */
  rotationIntervalMs: z.number().int().min(0).default(0),
  authCodeTtlMs: z.number().int().positive().default(600_000),
})

export const quickBooksSimulatorOptionsSchema = z.strictObject({
  /** 0 picks a free port. */
  port: z.number().int().min(0).max(65_535).default(0),
  host: z.string().default('127.0.0.1'),
  /** Apps allowed to connect (OAuth client credentials). */
  clients: z
    .array(clientSchema)
    .min(1)
    .default([{ ...DEFAULT_CLIENT, redirectUris: [] }]),
  /** Companies, each seeded with accounts, tax codes, items and customers. */
  realms: z
    .array(realmSchema)
    .min(1)
    .default([{ realmId: DEFAULT_REALM_ID, settings: {} }]),
  tokens: tokenSchema.prefault({}),
  /** Throttling per realm and app (reference §10). */
  limits: limitsSchema.prefault({}),
  /** How long a `requestid` answer is replayed; 0 = until reset (reference §8: undocumented). */
  requestIdRetentionMs: z.number().int().min(0).default(86_400_000),
  /** Items per batch request (reference §10: 30). */
  maxBatchItems: z.number().int().positive().default(30),
  /** Answer batch items in a shuffled order, to prove a client matches them by bId. */
  shuffleBatch: z.boolean().default(false),
  /** Initial fault knobs (same fields as PUT /_sim/faults). */
  faults: quickBooksFaultSettingsSchema.partial().default({}),
  /** Seeds tokens and batch shuffling (fault draws have their own `faults.seed`). */
  seed: z.number().int().default(1),
  /** Start of the simulated clock (epoch ms or ISO text with offset); ignored when `clock` is given. */
  startAt: z.union([z.number(), z.iso.datetime({ offset: true })]).optional(),
  /** A clock to share with other simulators or move from tests; a fresh one by default. */
  clock: z.instanceof(SimClock).optional(),
})

export type QuickBooksSimulatorOptions = z.input<typeof quickBooksSimulatorOptionsSchema>
