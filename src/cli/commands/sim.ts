import type { Command } from 'commander'
import { registerKlaviyoSim } from '../../simulators/klaviyo/cli.js'
import { registerQuickBooksSim } from '../../simulators/quickbooks/cli.js'
import { registerShipStationSim } from '../../simulators/shipstation/cli.js'

/** `shiprelay sim <service>`: runs a local simulator of a third-party API. */
export function registerSimCommands(program: Command): void {
  program.command('sim').description('run a local simulator of ShipStation, Klaviyo or QuickBooks')
  registerShipStationSim(program)
  registerKlaviyoSim(program)
  registerQuickBooksSim(program)
}
