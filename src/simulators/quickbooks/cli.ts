/** `shiprelay sim quickbooks`: runs the QuickBooks Online simulator until interrupted. */
import type { Command } from 'commander'
import {
  addFaultOptions,
  addSimCommand,
  closeOnSignal,
  defined,
  type FaultFlags,
  faultFlags,
  int,
  rate,
} from '../common/cli-options.js'
import {
  DEFAULT_CLIENT,
  DEFAULT_REALM_ID,
  type QuickBooksSimulatorOptions,
  startQuickBooksSimulator,
} from './index.js'

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value]

interface Flags extends FaultFlags {
  port: number
  host: string
  clientId: string
  clientSecret: string
  redirectUri?: string[]
  realm?: string[]
  timezone?: string
  taxModel?: string
  automatedSalesTax: boolean
  duplicateDocnumberCheck: boolean
  customTxnNumbers: boolean
  shipping: boolean
  accessTokenTtl?: number
  refreshGraceMs?: number
  requestidRetentionMs?: number
  perMinute?: number
  perSecond?: number
  concurrent?: number
  batchPerMinute?: number
  minuteWindowMs?: number
  secondWindowMs?: number
  maxBatchItems?: number
  shuffleBatch?: boolean
  seed: number
  startAt?: string
  lostResponseRate?: number
  okFaultRate?: number
  faultSeed?: number
}

/** Turns CLI flags into simulator options; option validation reports bad values. */
export function optionsFromFlags(flags: Flags): QuickBooksSimulatorOptions {
  const settings = {
    ...defined({ timezone: flags.timezone, taxModel: flags.taxModel }),
    automatedSalesTax: flags.automatedSalesTax,
    duplicateDocNumberCheck: flags.duplicateDocnumberCheck,
    customTxnNumbers: flags.customTxnNumbers,
    allowShipping: flags.shipping,
  } as NonNullable<QuickBooksSimulatorOptions['realms']>[number]['settings']
  return {
    port: flags.port,
    host: flags.host,
    clients: [
      { clientId: flags.clientId, clientSecret: flags.clientSecret, redirectUris: flags.redirectUri ?? [] },
    ],
    realms: (flags.realm ?? [DEFAULT_REALM_ID]).map((realmId) => ({ realmId, settings })),
    tokens: defined({ accessTokenTtlSeconds: flags.accessTokenTtl, refreshGraceMs: flags.refreshGraceMs }),
    limits: defined({
      perMinute: flags.perMinute,
      perSecond: flags.perSecond,
      concurrent: flags.concurrent,
      batchPerMinute: flags.batchPerMinute,
      minuteWindowMs: flags.minuteWindowMs,
      secondWindowMs: flags.secondWindowMs,
    }),
    ...defined({
      requestIdRetentionMs: flags.requestidRetentionMs,
      maxBatchItems: flags.maxBatchItems,
      shuffleBatch: flags.shuffleBatch,
      startAt: flags.startAt,
    }),
    seed: flags.seed,
    faults: {
      ...faultFlags(flags),
      ...defined({
        lostResponseRate: flags.lostResponseRate,
        okFaultRate: flags.okFaultRate,
        seed: flags.faultSeed,
      }),
    },
  }
}

/** Adds `quickbooks` under the `sim` command of `program`. */
export function registerQuickBooksSim(program: Command): void {
  const description = 'run the QuickBooks Online API simulator (see docs/simulators/quickbooks.md)'
  const command = addSimCommand(program, 'quickbooks', description, 4030)
    .option('--client-id <id>', 'OAuth client id of the app', DEFAULT_CLIENT.clientId)
    .option('--client-secret <secret>', 'OAuth client secret of the app', DEFAULT_CLIENT.clientSecret)
    .option('--redirect-uri <url>', 'registered redirect URI; repeat for several (none = any)', collect)
    .option('--realm <id>', `company (realm) id; repeat for several (default ${DEFAULT_REALM_ID})`, collect)
    .option('--timezone <iana>', 'company time zone (default America/Los_Angeles)')
    .option('--tax-model <model>', 'us (TAX/NON line codes) or global (tax code ids per line)')
    .option('--no-automated-sales-tax', 'US: no tax computed when TotalTax is not supplied')
    .option('--no-duplicate-docnumber-check', 'accept duplicate DocNumbers (no 6140)')
    .option('--no-custom-txn-numbers', 'auto-number transactions sent without DocNumber')
    .option('--no-shipping', 'company without the shipping preference (SHIPPING_ITEM_ID refused)')
    .option('--access-token-ttl <s>', 'access token life in seconds (default 3600)', int)
    .option('--refresh-grace-ms <n>', 'how long a superseded refresh token still works (default 24 h)', int)
    .option('--requestid-retention-ms <n>', 'how long requestid answers are replayed (0 = forever)', int)
    .option('--per-minute <n>', 'requests per minute per realm and app (default 500)', int)
    .option('--per-second <n>', 'requests per second per realm and app (default 10)', int)
    .option('--concurrent <n>', 'requests in flight per realm and app (default 10)', int)
    .option('--batch-per-minute <n>', 'batch calls per minute per realm and app (default 120)', int)
    .option('--minute-window-ms <n>', 'length of the "minute" windows (scale limits for tests)', int)
    .option('--second-window-ms <n>', 'length of the "second" window', int)
    .option('--max-batch-items <n>', 'items per batch request (default 30)', int)
    .option('--shuffle-batch', 'answer batch items in shuffled order')
    .option('--seed <n>', 'seed of tokens and batch shuffling', int, 1)
    .option('--start-at <iso>', 'simulated start time (ISO with offset)')
  addFaultOptions(command, { errorStatus: 'status of injected errors (500: SystemFault body)' })
    .option('--lost-response-rate <p>', 'fraction of answers lost after the work was done', rate)
    .option('--ok-fault-rate <p>', 'fraction of API requests answered 200 with a Fault body', rate)
    .option('--fault-seed <n>', 'seed of the fault draws', int)
    .action(async (flags: Flags) => {
      const simulator = await startQuickBooksSimulator(optionsFromFlags(flags))
      console.log(
        `QuickBooks simulator on ${simulator.url} (realms ${simulator.read.realms().join(', ')}; client id ${flags.clientId}; token URL ${simulator.oauthUrls.token}; control routes under /_sim)`,
      )
      closeOnSignal(simulator)
    })
}
