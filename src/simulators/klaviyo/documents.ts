/**
 * Success bodies of the read endpoints and profile-import, shaped like Klaviyo's resource documents
 * (fixture 17; OpenAPI `GetAccountResponseCollection`, `GetMetricResponseCollection`).
 */
import type { StoredProfile } from './profiles.js'
import type { Metric } from './store.js'

/** Klaviyo's datetime style: `2022-11-08T00:00:00+00:00`. */
function klaviyoDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00')
}

/** A profile's attributes as Klaviyo shows them; also the read side's profile view (plus `id`). */
export function profileView(p: StoredProfile) {
  return {
    id: p.id,
    email: p.email,
    phone_number: p.phone_number,
    external_id: p.external_id,
    anonymous_id: p.anonymous_id,
    first_name: p.first_name,
    last_name: p.last_name,
    organization: p.organization,
    locale: p.locale,
    title: p.title,
    image: p.image,
    created: klaviyoDate(p.created),
    updated: klaviyoDate(p.updated),
    last_event_date: p.last_event_date === null ? null : klaviyoDate(p.last_event_date),
    location: p.location,
    properties: p.properties,
  }
}

export type ProfileView = ReturnType<typeof profileView>

export function profileDocument(p: StoredProfile, baseUrl: string) {
  const { id, ...attributes } = profileView(p)
  return {
    data: { type: 'profile', id, attributes, links: { self: `${baseUrl}/api/profiles/${id}/` } },
    links: {},
  }
}

export interface AccountInfo {
  id: string
  name: string
  timezone: string
  publicApiKey: string
}

export function accountsDocument(account: AccountInfo, baseUrl: string) {
  return {
    data: [
      {
        type: 'account',
        id: account.id,
        attributes: {
          test_account: true,
          contact_information: {
            default_sender_name: 'Shiprelay Simulator',
            default_sender_email: 'sim@example.com',
            website_url: 'https://example.com',
            organization_name: `Simulated account ${account.name}`,
            street_address: {
              address1: '125 Summer St',
              address2: null,
              city: 'Boston',
              region: 'MA',
              country: 'US',
              zip: '02110',
            },
          },
          industry: 'Ecommerce',
          timezone: account.timezone,
          preferred_currency: 'USD',
          public_api_key: account.publicApiKey,
          locale: 'en-US',
        },
        links: { self: `${baseUrl}/api/accounts/${account.id}/` },
      },
    ],
    links: { self: `${baseUrl}/api/accounts/`, next: null, prev: null },
  }
}

export function metricsDocument(metrics: readonly Metric[], baseUrl: string) {
  return {
    data: metrics.map((m) => ({
      type: 'metric',
      id: m.id,
      attributes: {
        name: m.name,
        created: klaviyoDate(m.created),
        updated: klaviyoDate(m.created),
        integration:
          m.service === 'api'
            ? { object: 'integration', id: '0rG4eQ', key: 'api', name: 'API', category: 'API' }
            : { object: 'integration', key: m.service, name: m.service },
      },
      links: { self: `${baseUrl}/api/metrics/${m.id}/` },
    })),
    links: { self: `${baseUrl}/api/metrics/`, next: null, prev: null },
  }
}
