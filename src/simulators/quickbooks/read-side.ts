/**
 * The read side shared by the in-process handle and the /_sim routes: entities per realm and type,
 * counts, deleted transactions, company settings, metered reads and writes.
 */
import type { Tombstone } from './company.js'
import type { Json } from './input.js'
import { ENTITY_NAMES, type EntityName, listAll, lookup, type Realm } from './operations.js'
import { type CompanySettings, companySettingsSchema, settingsPatchSchema } from './settings.js'
import type { RealmUsage, Usage } from './usage.js'

export interface QuickBooksReadSide {
  realms(): string[]
  /** Every object of a type in id order, inactive and voided ones included (copies). */
  entities(realmId: string, entity: EntityName): Json[]
  entity(realmId: string, entity: EntityName, id: string): Json | undefined
  counts(realmId: string): Record<string, number>
  /** Deleted transactions: entity, Id, deletedAt. */
  deleted(realmId: string): Tombstone[]
  settings(realmId: string): CompanySettings
  /** Changes some settings of a company; validated, takes effect on the next request. */
  setSettings(realmId: string, patch: unknown): CompanySettings
  /** Reads (metered), writes, replays and reused requestids of a realm. */
  usage(realmId: string): RealmUsage
}

/** Case-insensitive entity name (`salesreceipt`, `SalesReceipt`), or undefined. */
export function entityNamed(name: string): EntityName | undefined {
  return ENTITY_NAMES.find((e) => e.toLowerCase() === name.toLowerCase())
}

export function createReadSide(realms: ReadonlyMap<string, Realm>, usage: Usage): QuickBooksReadSide {
  const realm = (realmId: string) => {
    const found = realms.get(realmId)
    if (!found) throw new RangeError(`unknown realm ${realmId}`)
    return found
  }
  return {
    realms: () => [...realms.keys()],
    entities: (realmId, entity) => structuredClone(listAll(realm(realmId), entity)),
    entity: (realmId, entity, id) => {
      const found = lookup(realm(realmId), entity, id)
      return found && structuredClone(found)
    },
    counts: (realmId) => realm(realmId).company.counts(),
    deleted: (realmId) => realm(realmId).company.tombstones(),
    settings: (realmId) => ({ ...realm(realmId).company.settings }),
    setSettings: (realmId, patch) => {
      const company = realm(realmId).company
      company.settings = companySettingsSchema.parse({
        ...company.settings,
        ...settingsPatchSchema.parse(patch),
      })
      return { ...company.settings }
    },
    usage: (realmId) => {
      realm(realmId)
      return usage.of(realmId)
    },
  }
}
