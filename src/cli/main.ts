#!/usr/bin/env node
import { Command } from 'commander'
import { registerCheckCommand } from './commands/check.js'
import { registerDemoCommand } from './commands/demo.js'
import { registerEventsCommand } from './commands/events.js'
import { registerQuickBooksCommand } from './commands/quickbooks.js'
import { registerReconcileCommand } from './commands/reconcile.js'
import { registerRetryCommand } from './commands/retry.js'
import { registerRunCommand } from './commands/run.js'
import { registerSimCommands } from './commands/sim.js'
import { registerStatusCommand } from './commands/status.js'
import { registerSyncCommand } from './commands/sync.js'
import { registerWebhooksCommand } from './commands/webhooks.js'

const program = new Command()
  .name('shiprelay')
  .description('ShipStation order and shipping events, delivered exactly once to Klaviyo and more.')
  .version('0.1.0')
  .showHelpAfterError()

registerSyncCommand(program)
registerRunCommand(program)
registerStatusCommand(program)
registerEventsCommand(program)
registerRetryCommand(program)
registerCheckCommand(program)
registerReconcileCommand(program)
registerDemoCommand(program)
registerWebhooksCommand(program)
registerQuickBooksCommand(program)
registerSimCommands(program)

await program.parseAsync(process.argv)
