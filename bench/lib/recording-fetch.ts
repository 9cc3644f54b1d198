/** A fetch that notes when each request to one origin was sent, for window accounting and replays. */

export interface SentRequest {
  /** Epoch ms when the request was handed to fetch (the simulators' windows run on the same clock). */
  at: number
  url: string
  authorization: string | undefined
}

export function recordingFetch(origin: string): { fetch: typeof fetch; sent: SentRequest[] } {
  const sent: SentRequest[] = []
  const wrapped: typeof fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input)
    if (url.startsWith(origin)) {
      const headers = new Headers(init?.headers)
      sent.push({ at: Date.now(), url, authorization: headers.get('authorization') ?? undefined })
    }
    return fetch(input, init)
  }
  return { fetch: wrapped, sent }
}
