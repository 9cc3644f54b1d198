/** Fixed word lists the seeded generator draws from; kept apart so the generator reads as logic. */

export const FIRST_NAMES = [
  'Ann',
  'Ben',
  'Carla',
  'Dev',
  'Elena',
  'Farid',
  'Grace',
  'Hiro',
  'Ines',
  'Jamal',
  'Kira',
  'Luis',
  'Maya',
  'Noah',
  'Olga',
  'Priya',
  'Quinn',
  'Rosa',
  'Sam',
  'Tariq',
  'Uma',
  'Victor',
  'Wen',
  'Yara',
  'Zoe',
]

export const LAST_NAMES = [
  'Lee',
  'Garcia',
  'Smith',
  'Nguyen',
  'Kowalski',
  'Okafor',
  'Brown',
  'Tanaka',
  'Rossi',
  'Haddad',
  'Novak',
  'Silva',
  'Patel',
  'Murphy',
  'Schmidt',
  'Dubois',
  'Johnson',
  "O'Brien",
  'Martinez',
  'Kim',
]

export const STREETS = [
  'Main St',
  'Oak Ave',
  'Pine Rd',
  'Maple Dr',
  'Cedar Ln',
  'Elm St',
  'Lakeview Blvd',
  'Hill Ct',
]

/** [city, state, postal code] */
export const US_CITIES: readonly (readonly [string, string, string])[] = [
  ['Reno', 'NV', '89501'],
  ['Austin', 'TX', '78701'],
  ['Portland', 'OR', '97205'],
  ['Brooklyn', 'NY', '11201'],
  ['Denver', 'CO', '80202'],
  ['Columbus', 'OH', '43215'],
  ['Seattle', 'WA', '98101'],
  ['Miami', 'FL', '33130'],
  ['Chicago', 'IL', '60601'],
  ['San Diego', 'CA', '92101'],
  ['Boise', 'ID', '83702'],
  ['Raleigh', 'NC', '27601'],
]

/** [city, state, postal code, country] */
export const INTERNATIONAL_CITIES: readonly (readonly [string, string | null, string, string])[] = [
  ['Toronto', 'ON', 'M5V 2T6', 'CA'],
  ['Vancouver', 'BC', 'V6B 1A1', 'CA'],
  ['London', null, 'SW1A 1AA', 'GB'],
  ['Berlin', null, '10115', 'DE'],
  ['Sydney', 'NSW', '2000', 'AU'],
  ['Mexico City', 'CDMX', '06000', 'MX'],
]

export const PRODUCT_ADJECTIVES = [
  'Classic',
  'Organic',
  'Travel',
  'Deluxe',
  'Everyday',
  'Mini',
  'Pro',
  'Vintage',
]
export const PRODUCT_NOUNS = [
  ['Mug', 12],
  ['Tote Bag', 8],
  ['Candle', 14],
  ['Notebook', 10],
  ['Water Bottle', 16],
  ['T-Shirt', 6],
  ['Hoodie', 22],
  ['Phone Case', 3],
] as const

export const OPTION_VALUES = { Size: ['S', 'M', 'L', 'XL'], Color: ['Black', 'White', 'Sage', 'Navy'] }

/** The stores a generated account has, in order; `stores` option takes the first N (cycling). */
export const STORE_TEMPLATES = [
  { name: 'Acme Shopify', marketplaceId: 26, marketplaceName: 'Shopify', weight: 45, source: 'web' },
  { name: 'Acme Amazon', marketplaceId: 2, marketplaceName: 'Amazon', weight: 25, source: 'amazon' },
  { name: 'Acme eBay', marketplaceId: 3, marketplaceName: 'eBay', weight: 15, source: 'ebay' },
  { name: 'Manual Orders', marketplaceId: 0, marketplaceName: 'ShipStation', weight: 15, source: null },
] as const

/** carrier code → [display name, [service code, package code][] domestic, international service] */
export const CARRIERS = [
  {
    code: 'stamps_com',
    name: 'Stamps.com',
    domestic: ['usps_ground_advantage', 'usps_priority_mail', 'usps_priority_mail_express'],
    international: 'usps_priority_mail_international',
    markedName: 'USPS',
  },
  {
    code: 'ups',
    name: 'UPS',
    domestic: ['ups_ground', 'ups_2nd_day_air', 'ups_next_day_air'],
    international: 'ups_worldwide_saver',
    markedName: 'UPS',
  },
  {
    code: 'fedex',
    name: 'FedEx',
    domestic: ['fedex_ground', 'fedex_home_delivery', 'fedex_2day'],
    international: 'fedex_international_economy',
    markedName: 'FedEx',
  },
  {
    code: 'dhl_express',
    name: 'DHL Express',
    domestic: ['dhl_express_worldwide'],
    international: 'dhl_express_worldwide',
    markedName: 'DHL',
  },
] as const

export const FULFILLMENT_PROVIDERS = [
  { id: 11, name: 'Fulfillment by Amazon', code: 'amazon_fba', by: 'FBA', service: 'standard' },
  { id: 27, name: 'ShipBob', code: 'shipbob', by: 'ShipBob', service: 'ground' },
] as const
