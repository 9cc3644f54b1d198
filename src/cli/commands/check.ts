import type { Command } from 'commander'
import { createDestination } from '../../destinations/registry.js'
import { ShipStationClient } from '../../source/shipstation/http-client.js'
import { RateGovernor } from '../../source/shipstation/rate-governor.js'
import { rawStoreSchema } from '../../source/shipstation/raw-types.js'
import { openStore } from '../../store/open-database.js'
import { type CommandContext, DEFAULT_CONFIG_PATH, loadContext, runCommand } from '../context.js'

/** `shiprelay check`: validates the config, then tries every set of credentials once. */
export function registerCheckCommand(program: Command): void {
  program
    .command('check')
    .description('validate the config and try the ShipStation and destination credentials')
    .option('-c, --config <path>', 'config file', DEFAULT_CONFIG_PATH)
    .action(async (opts: { config: string }) => {
      let context: CommandContext | undefined
      await runCommand(
        async () => {
          context = loadContext(opts.config, 'warn')
          const { config, redactor } = context
          process.stdout.write(
            `config ${opts.config}: ok (${config.accounts.length} accounts, ${config.destinations.length} destinations)\n`,
          )
          let failures = 0
          const report = async (label: string, attempt: () => Promise<string>) => {
            try {
              process.stdout.write(`${label}: ok${await attempt()}\n`)
            } catch (error) {
              failures++
              process.stdout.write(
                `${label}: FAILED: ${redactor.redact(error instanceof Error ? error.message : String(error))}\n`,
              )
            }
          }
          for (const account of config.accounts) {
            await report(`account ${account.id} (ShipStation ${account.shipstation.baseUrl})`, async () => {
              const client = new ShipStationClient({
                ...account.shipstation,
                governor: new RateGovernor({ reserve: 0 }),
                maxAttempts: 2,
                timeoutMs: 15_000,
              })
              const stores = await client.getArray('/stores', rawStoreSchema)
              return `, ${stores.length} stores: ${stores.map((s) => s.storeName).join(', ')}`
            })
          }
          // Destinations that keep state (QuickBooks tokens) read it from the store.
          const store = await openStore(config.database)
          try {
            for (const d of config.destinations) {
              await report(`destination ${d.id} (${d.type})`, async () => {
                await createDestination(d, { db: store.db }).destination.check(AbortSignal.timeout(15_000))
                return ''
              })
            }
          } finally {
            await store.close()
          }
          return failures === 0 ? 0 : 1
        },
        () => context?.redactor,
      )
    })
}
