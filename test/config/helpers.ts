import { expect } from 'vitest'
import { ConfigError, type ConfigIssue, parseConfig } from '../../src/config/load.js'

export const ENV = {
  SS_KEY: 'ss-key-0123456789abcdef',
  SS_SECRET: 'ss-secret-fedcba9876543210',
  KLAVIYO_KEY: 'pk_live_abcdef0123456789',
}

/** The smallest valid config; line 2 is the account, line 3 its shipstation block. */
export const MINIMAL = `accounts:
  - id: main
    shipstation:
      apiKey: \${SS_KEY}
      apiSecret: \${SS_SECRET}
`

/** Parses text that must fail and returns the error. */
export function configError(text: string, env: Record<string, string> = ENV): ConfigError {
  try {
    parseConfig(text, 'shiprelay.yaml', env)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return error as ConfigError
  }
  throw new Error('expected a ConfigError')
}

export function issuesOf(text: string, env?: Record<string, string>): readonly ConfigIssue[] {
  return configError(text, env).issues
}
