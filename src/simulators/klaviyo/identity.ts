/**
 * Profile identifiers after schema validation (reference §4): at least one identifier must remain,
 * and an invalid phone number is dropped — with `X-Klaviyo-Partial-Failure: phone_number` — when
 * another identifier is present, but is a 400 when it is the only one.
 */
import { type ApiError, invalid } from './errors.js'
import type { ProfileAttributes } from './schemas.js'
import { isE164 } from './schemas.js'

export const IDENTIFIERS = ['email', 'phone_number', 'external_id', 'anonymous_id', '_kx'] as const
export type Identifier = (typeof IDENTIFIERS)[number]

export interface Identity {
  /** A Klaviyo profile id given as `data.id`. */
  id?: string
  values: Partial<Record<Identifier, string>>
}

export interface CheckedProfile {
  identity: Identity
  /** The attributes as sent, minus an ignored phone number. */
  attributes: ProfileAttributes
  phoneIgnored: boolean
}

const PHONE_INVALID = 'Invalid phone number format (Example of a valid format: +12345678901)'
const NO_IDENTIFIER =
  "A profile identifier is required: one of 'id', 'email', 'phone_number', 'external_id', 'anonymous_id' or '_kx'."

/** `pointerBase` is the profile resource object's pointer, e.g. `/data/attributes/profile/data`. */
export function checkProfile(
  data: { id?: string | undefined; attributes?: ProfileAttributes | undefined },
  pointerBase: string,
): { profile: CheckedProfile } | { error: ApiError } {
  const attributes: ProfileAttributes = { ...data.attributes }
  const values: Partial<Record<Identifier, string>> = {}
  for (const name of IDENTIFIERS) {
    const value = attributes[name]
    if (typeof value === 'string' && value !== '') values[name] = value
  }
  const id = data.id === '' ? undefined : data.id
  let phoneIgnored = false
  if (values.phone_number !== undefined && !isE164(values.phone_number)) {
    const others =
      id !== undefined || IDENTIFIERS.some((n) => n !== 'phone_number' && values[n] !== undefined)
    if (!others) return { error: invalid(PHONE_INVALID, `${pointerBase}/attributes/phone_number`) }
    delete values.phone_number
    delete attributes.phone_number
    phoneIgnored = true
  }
  if (id === undefined && Object.keys(values).length === 0) {
    return { error: invalid(NO_IDENTIFIER, `${pointerBase}/attributes`) }
  }
  return { profile: { identity: { ...(id === undefined ? {} : { id }), values }, attributes, phoneIgnored } }
}
