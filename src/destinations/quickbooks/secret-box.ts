/**
 * Tokens at rest: AES-256-GCM with a key from the environment (SHIPRELAY_SECRET_KEY: 32 bytes as 64
 * hex digits or base64). A refresh token is a five-year key to the merchant's books, so it never lands
 * in the database in clear, and a wrong key fails loudly instead of yielding garbage.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'

export const SECRET_KEY_ENV = 'SHIPRELAY_SECRET_KEY'
const VERSION = 'v1'

export class SecretBox {
  readonly #key: Buffer

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error(`${SECRET_KEY_ENV} must be 32 bytes (64 hex digits or base64)`)
    this.#key = key
  }

  /** From the environment; a clear error when the key is missing or malformed. */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): SecretBox {
    const text = env[SECRET_KEY_ENV]?.trim()
    if (!text) {
      throw new Error(
        `${SECRET_KEY_ENV} is not set: QuickBooks tokens are stored encrypted; generate a key with ` +
          '`openssl rand -hex 32` and keep it with your other secrets',
      )
    }
    const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64')
    if (key.length !== 32) {
      throw new Error(`${SECRET_KEY_ENV} must be 32 bytes: 64 hex digits or 44 base64 characters`)
    }
    return new SecretBox(key)
  }

  seal(plain: string, context: string): string {
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv)
    cipher.setAAD(Buffer.from(context))
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
    return [
      VERSION,
      iv.toString('base64'),
      cipher.getAuthTag().toString('base64'),
      data.toString('base64'),
    ].join('.')
  }

  /** `context` binds the ciphertext to its row (e.g. the realm id): a row copied elsewhere fails. */
  open(sealed: string, context: string): string {
    const [version, iv, tag, data] = sealed.split('.')
    if (version !== VERSION || !iv || !tag || data === undefined) throw new Error('unrecognised sealed value')
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64'))
      decipher.setAAD(Buffer.from(context))
      decipher.setAuthTag(Buffer.from(tag, 'base64'))
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString('utf8')
    } catch {
      throw new Error(
        `cannot decrypt stored QuickBooks tokens: ${SECRET_KEY_ENV} is not the key they were stored with`,
      )
    }
  }
}
