import type { Command } from 'commander'
import type { Redactor } from '../../lib/redact.js'
import { ShipStationClient } from '../../source/shipstation/http-client.js'
import { RateGovernor } from '../../source/shipstation/rate-governor.js'
import { isOurs, listWebhooks, removeWebhook, webhookToken } from '../../source/shipstation/webhooks.js'
import { type CommandContext, DEFAULT_CONFIG_PATH, loadContext, runCommand, UserError } from '../context.js'

/** `shiprelay webhooks list|remove`: the ShipStation webhook subscriptions `run` manages. */
export function registerWebhooksCommand(program: Command): void {
  const webhooks = program
    .command('webhooks')
    .description('list or remove the ShipStation webhooks shiprelay subscribed')
  perAccount(
    webhooks,
    'list',
    "list each account's ShipStation webhooks (shiprelay's and other apps')",
    async (id, client, redactor) => {
      const hooks = await listWebhooks(client)
      process.stdout.write(`account ${id}: ${hooks.length} webhooks\n`)
      for (const h of hooks) {
        const owner = isOurs(h, id) ? 'shiprelay' : 'other app'
        process.stdout.write(
          `  ${h.WebHookID}  ${h.HookType.padEnd(20)} ${owner.padEnd(9)}  ${redactor.redact(h.Url)}\n`,
        )
      }
    },
  )
  perAccount(
    webhooks,
    'remove',
    "remove shiprelay's webhooks at ShipStation (other apps' webhooks are left alone)",
    async (id, client) => {
      const ours = (await listWebhooks(client)).filter((h) => isOurs(h, id))
      for (const h of ours) await removeWebhook(client, h.WebHookID)
      process.stdout.write(`account ${id}: removed ${ours.length} shiprelay webhooks\n`)
    },
  )
}

/** A subcommand that runs `body` for every configured account (or the one named by --account). */
function perAccount(
  parent: Command,
  name: string,
  description: string,
  body: (accountId: string, client: ShipStationClient, redactor: Redactor) => Promise<void>,
): void {
  parent
    .command(name)
    .description(description)
    .option('-c, --config <path>', 'config file', DEFAULT_CONFIG_PATH)
    .option('--account <id>', 'only this account')
    .action(async (opts: { config: string; account?: string }) => {
      let context: CommandContext | undefined
      await runCommand(
        async () => {
          context = loadContext(opts.config, 'warn')
          for (const { id, client } of clients(context, opts.account))
            await body(id, client, context.redactor)
          return 0
        },
        () => context?.redactor,
      )
    })
}

function clients(context: CommandContext, only: string | undefined) {
  const accounts = context.config.accounts.filter((a) => only === undefined || a.id === only)
  if (accounts.length === 0) throw new UserError(`no account ${JSON.stringify(only)} in the config`)
  return accounts.map((account) => {
    context.redactor.add(webhookToken(account.id, account.shipstation.apiSecret))
    return {
      id: account.id,
      client: new ShipStationClient({
        ...account.shipstation,
        governor: new RateGovernor({ reserve: 0 }),
        maxAttempts: 3,
      }),
    }
  })
}
