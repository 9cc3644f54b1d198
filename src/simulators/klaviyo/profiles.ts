/**
 * The simulated account's profiles. Identity resolution is Klaviyo-internal (reference §4), so the
 * simulator uses a simple, documented rule: a known `data.id` wins, else the first identifier that is
 * already known, in the order email, phone number, external id, anonymous id, `_kx`; else a new
 * profile. The same identifier therefore always reaches the same profile.
 */
import { KlaviyoError, TITLES } from './errors.js'
import type { CheckedProfile, Identifier, Identity } from './identity.js'
import { IDENTIFIERS } from './identity.js'
import type { IdGenerator } from './ids.js'
import type { ProfileAttributes } from './schemas.js'

const PLAIN_FIELDS = ['first_name', 'last_name', 'organization', 'locale', 'title', 'image'] as const

export interface StoredProfile {
  id: string
  email: string | null
  phone_number: string | null
  external_id: string | null
  anonymous_id: string | null
  _kx: string | null
  first_name: string | null
  last_name: string | null
  organization: string | null
  locale: string | null
  title: string | null
  image: string | null
  location: Record<string, unknown>
  properties: Record<string, unknown>
  /** Epoch ms. */
  created: number
  updated: number
  last_event_date: number | null
}

export type Upsert = { profile: StoredProfile; created: boolean }

export class ProfileDirectory {
  readonly #byId = new Map<string, StoredProfile>()
  /** `email:jane@example.com` → profile. */
  readonly #byIdentifier = new Map<string, StoredProfile>()

  constructor(
    private readonly ids: IdGenerator,
    private readonly now: () => number,
  ) {}

  all(): StoredProfile[] {
    return [...this.#byId.values()]
  }

  get(id: string): StoredProfile | undefined {
    return this.#byId.get(id)
  }

  /** The existing profile `identity` resolves to, if any. Changes nothing. */
  find(identity: Identity): StoredProfile | undefined {
    if (identity.id !== undefined) {
      const byId = this.#byId.get(identity.id)
      if (byId) return byId
    }
    for (const name of IDENTIFIERS) {
      const value = identity.values[name]
      const found = value === undefined ? undefined : this.#byIdentifier.get(key(name, value))
      if (found) return found
    }
    return undefined
  }

  /**
   * A stable key for "the same profile" before anything is written: the existing profile's id, else
   * the first identifier in resolution order. Bulk jobs use it to find repeated `unique_id`s.
   */
  keyFor(identity: Identity): string {
    const existing = this.find(identity)
    if (existing) return existing.id
    if (identity.id !== undefined) return `id:${identity.id}`
    const name = IDENTIFIERS.find((n) => identity.values[n] !== undefined)!
    return key(name, identity.values[name]!)
  }

  /**
   * Create Event's upsert: resolves or creates the profile and applies the attributes. Identifiers
   * owned by another profile are left where they are. Undefined when only an unknown `data.id` was given.
   */
  upsertFromEvent(checked: CheckedProfile): Upsert | undefined {
    const existing = this.find(checked.identity)
    if (!existing && Object.keys(checked.identity.values).length === 0) return undefined
    const profile = existing ?? this.#create()
    this.#apply(profile, checked.attributes)
    return { profile, created: !existing }
  }

  /**
   * profile-import: like the event upsert, but identifiers belonging to two different profiles are a
   * 409 `duplicate_profile` (fixture 13; `klaviyo-api-php#63`) and an unknown `data.id` is a 400.
   */
  importProfile(checked: CheckedProfile): Upsert {
    const { identity } = checked
    if (identity.id !== undefined && !this.#byId.has(identity.id)) {
      throw new KlaviyoError([
        {
          status: 400,
          code: 'invalid',
          title: TITLES.invalid,
          detail: `A profile with id '${identity.id}' does not exist.`,
          source: { pointer: '/data/id' },
        },
      ])
    }
    const existing = this.find(identity)
    for (const name of IDENTIFIERS) {
      const value = identity.values[name]
      const owner = value === undefined ? undefined : this.#byIdentifier.get(key(name, value))
      if (owner && existing && owner !== existing) {
        throw new KlaviyoError([
          {
            status: 409,
            code: 'duplicate_profile',
            title: TITLES.conflict,
            detail: 'A profile already exists with one of these identifiers.',
            meta: { duplicate_profile_id: owner.id },
          },
        ])
      }
    }
    const profile = existing ?? this.#create()
    this.#apply(profile, checked.attributes)
    return { profile, created: !existing }
  }

  touchEvent(profile: StoredProfile, at: number): void {
    if (profile.last_event_date === null || at > profile.last_event_date) profile.last_event_date = at
  }

  reset(): void {
    this.#byId.clear()
    this.#byIdentifier.clear()
  }

  #create(): StoredProfile {
    const now = this.now()
    const profile: StoredProfile = {
      id: this.ids.ulid(now),
      email: null,
      phone_number: null,
      external_id: null,
      anonymous_id: null,
      _kx: null,
      first_name: null,
      last_name: null,
      organization: null,
      locale: null,
      title: null,
      image: null,
      location: {},
      properties: {},
      created: now,
      updated: now,
      last_event_date: null,
    }
    this.#byId.set(profile.id, profile)
    return profile
  }

  /** Given fields overwrite, `null` clears (identifiers excepted: they only move), omitted stay. */
  #apply(profile: StoredProfile, attributes: ProfileAttributes): void {
    for (const name of IDENTIFIERS) {
      const value = attributes[name]
      if (typeof value !== 'string' || value === '' || this.#byIdentifier.has(key(name, value))) continue
      this.#setIdentifier(profile, name, value)
    }
    for (const name of PLAIN_FIELDS) {
      const value = attributes[name]
      if (value !== undefined) profile[name] = value
    }
    if (attributes.location !== undefined) {
      profile.location = attributes.location === null ? {} : { ...profile.location, ...attributes.location }
    }
    if (attributes.properties !== undefined) {
      profile.properties =
        attributes.properties === null ? {} : { ...profile.properties, ...attributes.properties }
    }
    profile.updated = this.now()
  }

  #setIdentifier(profile: StoredProfile, name: Identifier, value: string): void {
    const old = profile[name]
    if (old !== null) this.#byIdentifier.delete(key(name, old))
    profile[name] = value
    this.#byIdentifier.set(key(name, value), profile)
  }
}

/** Index key; emails compare case-insensitively, as mailboxes do in practice. */
function key(name: Identifier, value: string): string {
  return `${name}:${name === 'email' ? value.toLowerCase() : value}`
}
