#!/usr/bin/env node
import { Command } from 'commander'
import { registerSimCommands } from './commands/sim.js'

const program = new Command()
  .name('shiprelay')
  .description('ShipStation order and shipping events, delivered exactly once to Klaviyo and more.')
  .version('0.1.0')

registerSimCommands(program)

await program.parseAsync(process.argv)
