import type { Command } from 'commander'
import { type RunningService, StartupAborted, startService } from '../../runtime/service.js'
import { type CommandContext, DEFAULT_CONFIG_PATH, loadContext, runCommand } from '../context.js'

/** `shiprelay run`: keeps every account in sync and delivers as events appear, until SIGINT/SIGTERM. */
export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('keep syncing every account every pollInterval and delivering events, until stopped')
    .option('-c, --config <path>', 'config file', DEFAULT_CONFIG_PATH)
    .action(async (opts: { config: string }) => {
      let context: CommandContext | undefined
      await runCommand(
        async () => {
          context = loadContext(opts.config)
          await runUntilStopped(context)
          return 0
        },
        () => context?.redactor,
      )
    })
}

/**
 * The signal handler goes in before start-up (migrations, listen, webhook subscriptions), so a stop
 * that arrives while ShipStation is slow to answer closes what was opened and exits 0.
 */
export async function runUntilStopped({ config, logger, redactor }: CommandContext): Promise<void> {
  const stop = new AbortController()
  const onSignal = (signal: string) => {
    if (stop.signal.aborted) {
      logger.warn('second signal: exiting now')
      process.exit(130)
    }
    logger.info({ signal }, 'stopping after the current step')
    stop.abort()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  let service: RunningService
  try {
    service = await startService(config, { logger, redactor, signal: stop.signal })
  } catch (error) {
    if (!(error instanceof StartupAborted)) throw error
    process.stdout.write(`shiprelay: ${error.message}\n`)
    return
  }
  const { relay } = service
  logger.info(
    { accounts: relay.accounts.map((a) => a.id), destinations: relay.destinations.map((d) => d.id) },
    'shiprelay running',
  )
  await service.run(stop.signal)
}
