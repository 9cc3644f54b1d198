/** Errors the ShipStation client raises; callers branch on these classes. */

/** Credentials rejected twice in a row (ShipStation sends stray 401s, so one is retried). */
export class ShipStationAuthError extends Error {
  override name = 'ShipStationAuthError'
}

/** A non-retryable HTTP answer (4xx other than 401/429), or retries exhausted. */
export class ShipStationHttpError extends Error {
  override name = 'ShipStationHttpError'
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly retryable: boolean,
  ) {
    super(message)
  }
}

/** A response that is not the shape the API documents. Names the record when it can. */
export class ShipStationResponseError extends Error {
  override name = 'ShipStationResponseError'
}
