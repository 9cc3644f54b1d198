/**
 * ShipStation's error bodies (reference §11). The back end is ASP.NET Web API, so errors are PascalCase
 * `Message` objects, except the 429 body, which the docs print with a lower-case `message`.
 */

/** A failure a route turns into an HTTP answer; thrown by world mutations and request parsing. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(typeof body === 'object' && body && 'Message' in body ? String(body.Message) : `HTTP ${status}`)
  }
}

export type ModelState = Record<string, string[]>

/** 400 for input that fails model binding or validation. */
export function invalid(modelState: ModelState): ApiError {
  return new ApiError(400, { Message: 'The request is invalid.', ModelState: modelState })
}

/** 400 for a business rule (e.g. updating a shipped order); exact real wording unconfirmed. */
export function rejected(message: string): ApiError {
  return new ApiError(400, { Message: message })
}

export function notFound(message: string): ApiError {
  return new ApiError(404, { Message: message })
}

export const UNAUTHORIZED_BODY = { Message: 'Authorization has been denied for this request.' }
export const TOO_MANY_REQUESTS_BODY = { message: 'Too Many Requests' }

export function serverErrorBody(exceptionMessage: string): object {
  return {
    Message: 'An error has occurred.',
    ExceptionMessage: exceptionMessage,
    ExceptionType: 'System.Exception',
    StackTrace: null,
  }
}
