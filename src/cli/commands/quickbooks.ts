import type { Command } from 'commander'
import type { QuickBooksDestinationConfig } from '../../config/schema.js'
import { connectQuickBooks, disconnectQuickBooks } from '../../destinations/quickbooks/connect.js'
import { SecretBox } from '../../destinations/quickbooks/secret-box.js'
import { openStore } from '../../store/open-database.js'
import { DatabaseTokenStore } from '../../store/quickbooks-tokens.js'
import { type CommandContext, DEFAULT_CONFIG_PATH, loadContext, runCommand, UserError } from '../context.js'
import { registerQuickBooksDocumentsCommand } from './quickbooks-documents.js'

const DEFAULT_REDIRECT = 'http://localhost:8765/callback'

/**
 * `shiprelay quickbooks connect`: authorizes shiprelay for a company and stores its tokens encrypted;
 * `disconnect` revokes it; `documents` lists what orders became.
 */
export function registerQuickBooksCommand(program: Command): void {
  const quickbooks = program.command('quickbooks').description('QuickBooks Online destinations')
  quickbooks
    .command('connect')
    .description(
      'connect a QuickBooks company: prints the URL to open, waits for the redirect, stores the tokens',
    )
    .option('-c, --config <path>', 'config file', DEFAULT_CONFIG_PATH)
    .option('--destination <id>', 'the quickbooks destination (default: the only one)')
    .option(
      '--redirect-uri <url>',
      'redirect URI registered with your Intuit app; we listen there',
      DEFAULT_REDIRECT,
    )
    .action(async (opts: { config: string; destination?: string; redirectUri: string }) => {
      let context: CommandContext | undefined
      await runCommand(
        async () => {
          context = loadContext(opts.config, 'warn')
          const destination = pick(context, opts.destination)
          const box = SecretBox.fromEnv()
          const store = await openStore(context.config.database)
          try {
            const { realmId } = await connectQuickBooks({
              clientId: destination.clientId,
              clientSecret: destination.clientSecret,
              authorizeUrl: destination.endpoints.authorize,
              tokenUrl: destination.endpoints.bearer,
              redirectUri: opts.redirectUri,
              realmId: destination.realmId,
              store: new DatabaseTokenStore(store.db, box),
              onAuthorizeUrl: (url) =>
                process.stdout.write(`Open this URL to connect QuickBooks:\n\n  ${url}\n\n`),
            })
            process.stdout.write(
              `connected QuickBooks company ${realmId} for destination ${destination.id}\n`,
            )
          } finally {
            await store.close()
          }
          return 0
        },
        () => context?.redactor,
      )
    })
  quickbooks
    .command('disconnect')
    .description('revoke the connection at Intuit; deliveries wait as "reconnect needed" until connect')
    .option('-c, --config <path>', 'config file', DEFAULT_CONFIG_PATH)
    .option('--destination <id>', 'the quickbooks destination (default: the only one)')
    .action(async (opts: { config: string; destination?: string }) => {
      let context: CommandContext | undefined
      await runCommand(
        async () => {
          context = loadContext(opts.config, 'warn')
          const destination = pick(context, opts.destination)
          const store = await openStore(context.config.database)
          try {
            const revoked = await disconnectQuickBooks({
              clientId: destination.clientId,
              clientSecret: destination.clientSecret,
              revokeUrl: destination.endpoints.revoke,
              realmId: destination.realmId,
              store: new DatabaseTokenStore(store.db, SecretBox.fromEnv()),
            })
            process.stdout.write(
              revoked
                ? `disconnected QuickBooks company ${destination.realmId}\n`
                : `QuickBooks company ${destination.realmId} was not connected\n`,
            )
          } finally {
            await store.close()
          }
          return 0
        },
        () => context?.redactor,
      )
    })
  registerQuickBooksDocumentsCommand(quickbooks)
}

function pick(context: CommandContext, id: string | undefined): QuickBooksDestinationConfig {
  const all = context.config.destinations.filter(
    (d): d is QuickBooksDestinationConfig => d.type === 'quickbooks',
  )
  const found = id === undefined ? all : all.filter((d) => d.id === id)
  if (found.length === 1) return found[0]!
  if (found.length === 0)
    throw new UserError(id ? `no quickbooks destination ${id}` : 'no quickbooks destination configured')
  throw new UserError(
    `several quickbooks destinations (${all.map((d) => d.id).join(', ')}): pass --destination`,
  )
}
