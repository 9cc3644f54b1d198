import type { Command } from 'commander'
import { startService } from '../../runtime/service.js'
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

export async function runUntilStopped({ config, logger, redactor }: CommandContext): Promise<void> {
  const service = await startService(config, { logger, redactor })
  const { relay } = service
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
  logger.info(
    { accounts: relay.accounts.map((a) => a.id), destinations: relay.destinations.map((d) => d.id) },
    'shiprelay running',
  )
  await service.run(stop.signal)
}
