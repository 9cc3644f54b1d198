import { Command } from 'commander'
import { describe, expect, it } from 'vitest'
import { optionsFromFlags, registerShipStationSim } from '../../../src/simulators/shipstation/cli.js'
import { simulatorOptionsSchema } from '../../../src/simulators/shipstation/options.js'
import { api, start } from './helpers.js'

function parseFlags(args: string[]) {
  const program = new Command().exitOverride()
  program.command('sim')
  registerShipStationSim(program)
  const command = program.commands
    .find((c) => c.name() === 'sim')!
    .commands.find((c) => c.name() === 'shipstation')!
  command.action(() => {})
  program.parse(['node', 'shiprelay', 'sim', 'shipstation', ...args])
  return optionsFromFlags(command.opts())
}

describe('shiprelay sim shipstation flags', () => {
  it('map onto simulator options, faults and webhook knobs included', () => {
    const options = parseFlags([
      '--port',
      '0',
      '--api-key',
      'K',
      '--api-secret',
      'S',
      '--seed',
      '3',
      '--orders',
      '10',
      '--rate-limit',
      '5',
      '--rate-window-ms',
      '1000',
      '--error-rate',
      '0.1',
      '--webhook-duplicate-rate',
      '0.5',
    ])
    expect(simulatorOptionsSchema.parse(options)).toMatchObject({
      port: 0,
      apiKey: 'K',
      apiSecret: 'S',
      seed: 3,
      orders: 10,
      rateLimit: 5,
      rateWindowMs: 1000,
      faults: { errorRate: 0.1 },
      webhooks: { duplicateRate: 0.5 },
    })
  })

  it('make N accounts for benchmarks', () => {
    const options = parseFlags([
      '--api-key',
      'K',
      '--api-secret',
      'S',
      '--account-count',
      '3',
      '--orders',
      '2',
    ])
    expect(options.accounts).toEqual([
      { apiKey: 'K-1', apiSecret: 'S-1', seed: 1, orders: 2 },
      { apiKey: 'K-2', apiSecret: 'S-2', seed: 2, orders: 2 },
      { apiKey: 'K-3', apiSecret: 'S-3', seed: 3, orders: 2 },
    ])
  })

  it('reject a rate outside [0, 1]', () => {
    expect(() => parseFlags(['--error-rate', '3'])).toThrow()
  })
})

describe('routing like ASP.NET', () => {
  it('matches paths case-insensitively and tolerates a trailing slash', async () => {
    const sim = await start({ orders: 3 })
    try {
      expect((await api(sim, '/Orders/')).body.total).toBe(sim.world.liveOrderCount)
      expect((await api(sim, '/STORES')).status).toBe(200)
    } finally {
      await sim.close()
    }
  })
})
