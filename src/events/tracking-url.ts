/**
 * Public tracking pages of the major carriers, by ShipStation carrier code (or the free-text carrier
 * name people type when marking an order shipped by hand). Unknown carriers get no URL rather than a
 * guess.
 */
const TRACKING_PAGES: readonly [RegExp, (n: string) => string][] = [
  [
    /^(stamps_com|usps|endicia|express_1|globegistics|asendia|usps_)/i,
    (n) => `https://tools.usps.com/go/TrackConfirmAction?tLabels=${n}`,
  ],
  [/^ups/i, (n) => `https://www.ups.com/track?tracknum=${n}`],
  [/^fedex/i, (n) => `https://www.fedex.com/fedextrack/?trknbr=${n}`],
  [/^dhl_express|^dhl$/i, (n) => `https://www.dhl.com/en/express/tracking.html?AWB=${n}`],
  [/^dhl_ecommerce|^dhl_global_mail/i, (n) => `https://webtrack.dhlglobalmail.com/?trackingnumber=${n}`],
  [/^canada_post/i, (n) => `https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor=${n}`],
  [/^royal_mail/i, (n) => `https://www.royalmail.com/track-your-item#/tracking-results/${n}`],
  [/^ontrac/i, (n) => `https://www.ontrac.com/tracking/?number=${n}`],
  [/^australia_post|^auspost/i, (n) => `https://auspost.com.au/mypost/track/#/details/${n}`],
]

export function trackingUrl(carrier: string | null, trackingNumber: string | null): string | null {
  if (!carrier || !trackingNumber) return null
  const code = carrier.trim().replace(/\s+/g, '_')
  const number = encodeURIComponent(trackingNumber.trim())
  for (const [pattern, page] of TRACKING_PAGES) if (pattern.test(code)) return page(number)
  return null
}
