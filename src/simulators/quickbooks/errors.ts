/**
 * QuickBooks' error shapes (reference §4, §9): the `Fault` envelope of the accounting API, the
 * lower-case `fault` envelope of Intuit's gateway (401/403), and plain OAuth JSON on the token
 * endpoint. Message and Detail texts are the captured ones where a capture exists (see
 * docs/simulators/quickbooks.md for the chosen ones).
 */

export interface FaultError {
  Message: string
  Detail?: string
  code: string
  /** Captures of validation faults carry `element` (often empty); gateway and query faults do not. */
  element?: string
}

export type FaultType =
  | 'ValidationFault'
  | 'SystemFault'
  | 'AuthenticationFault'
  | 'AuthorizationFault'
  | 'SERVICE'

/** Thrown wherever an API call ends in a Fault; the route wrapper turns it into the envelope. */
export class QboFault extends Error {
  constructor(
    readonly errors: FaultError[],
    readonly type: FaultType = 'ValidationFault',
    readonly status = 400,
  ) {
    super(`${errors[0]?.code} ${errors[0]?.Message}`)
  }
}

export function faultBody(
  fault: QboFault,
  time: string,
): { Fault: { Error: FaultError[]; type: FaultType }; time: string } {
  return { Fault: { Error: fault.errors, type: fault.type }, time }
}

const validation = (code: string, Message: string, Detail: string, element = '') =>
  new QboFault([{ Message, Detail, code, element }])

export const staleObject = (user: string) =>
  validation(
    '5010',
    'Stale Object Error',
    `Stale Object Error : You and ${user} were working on this at the same time. ${user} finished before you did, so your work was not saved.`,
  )

/** `what`: "customer, vendor or employee", "product or service", "account". */
export const duplicateName = (what: string) =>
  validation(
    '6240',
    'Duplicate Name Exists Error',
    `The name supplied already exists. : Another ${what} is already using this name. Please use a different name.`,
  )

export const duplicateDocNumber = (docNumber: string, txnType: string, txnId: string) =>
  validation(
    '6140',
    'Duplicate Document Number Error',
    `Duplicate Document Number Error : You must specify a different number. This number has already been used. DocNumber=${docNumber} is assigned to TxnType=${txnType} with TxnId=${txnId}`,
  )

export const objectNotFound = () =>
  validation(
    '610',
    'Object Not Found',
    "Object Not Found : Something you're trying to use has been made inactive. Check the fields with accounts, customers, items, vendors or employees.",
  )

export const invalidReference = (element: string) =>
  validation('2500', 'Invalid Reference Id', `Invalid Reference Id : ${element}`, element)

export const requiredParam = (name: string) =>
  validation(
    '2020',
    'Required param missing, need to supply the required value for the API',
    `Required parameter ${name} is missing in the request`,
  )

export const lengthError = (element: string, max: number, length: number): FaultError => ({
  Message: 'String length is either shorter or longer than supported by specification',
  Detail: `String length specified does not match the supported length. Min:0 Max:${max} supported. Supplied length:${length}`,
  code: '2050',
  element,
})

export const amountMismatch = (supplied: string) =>
  validation(
    '6070',
    'Amount calculation incorrect in the request',
    `Amount is not equal to UnitPrice * Qty. Supplied value:${supplied}`,
  )

export const invalidLineTaxCode = () =>
  validation('6100', 'Invalid Line TaxCode', 'Valid Line TaxCodes for US should be TAX or NON')

export const invalidEmail = (element: string, value: string) =>
  validation(
    '2210',
    'Invalid Email Address format',
    `Email Address does not conform to the syntax rules of RFC 822. Supplied value:${value}`,
    element,
  )

export const noNameProvided = () =>
  validation(
    '6080',
    'No Name Provided',
    'No Name Provided : You must supply at least one of Title, GivenName, MiddleName, FamilyName, Suffix or DisplayName.',
  )

export const cannotLink = (txnId: string) =>
  validation(
    '620',
    'Transaction Id cannot be linked',
    `Transaction Id cannot be linked : ${txnId}`,
    'Line.LinkedTxn.TxnId',
  )

/** `detail` follows "Property Name:" as in the captures (Jackson's message, cut short). */
export const unsupportedProperty = (detail: string): FaultError => ({
  Message: 'Request has invalid or unsupported property',
  Detail: `Property Name:${detail} specified is unsupported or invalid`,
  code: '2010',
})

export const business = (detail: string) =>
  validation(
    '6000',
    'A business validation error has occurred while processing your request',
    `Business Validation Error: ${detail}`,
  )

export const unsupportedOperation = (what: string) =>
  validation('500', 'Unsupported Operation', `Operation ${what} is not supported.`)

export const queryParseError = (detail: string) =>
  new QboFault([{ Message: 'Error parsing query', Detail: `QueryParserError: ${detail}`, code: '4000' }])

export const queryValidationError = (detail: string) =>
  new QboFault([{ Message: 'Invalid query', Detail: `QueryValidationError: ${detail}`, code: '4001' }])

export const batchTooLarge = (size: number, max: number) =>
  validation(
    '1040',
    'Batch size exceeds allowed limit',
    `Batch Request size of ${size} exceeds the allowed limit of ${max} items`,
  )

/** fixture 6190-invalid-company-status-java-sdk.json */
export const companyInactive = () =>
  validation(
    '6190',
    'Invalid Company Status',
    "Subscription period has ended or canceled or there was a billing problem : You can't add data to QuickBooks Online Plus because your trial or subscription period ended, you canceled your subscription, or there was a billing problem. To see or change your subscription status, click 'Your Account' at the upper-right of the screen, and click on Resubscribe link or contact your administrator.",
  )

/** fixtures 3001-throttle-429-ruby.xml.json in its JSON form (two spaces before "Try" as captured). */
export const throttled = () =>
  new QboFault(
    [
      {
        Message: 'message=ThrottleExceeded; errorCode=003001; statusCode=429',
        Detail: 'The request limit was reached.  Try again later',
        code: '3001',
      },
    ],
    'SERVICE',
    429,
  )

/** fixture 10000-system-fault-ruby.xml.json in its JSON form. */
export const systemFault = (status = 500) =>
  new QboFault(
    [
      {
        Message: 'An application error has occurred while processing your request',
        Detail:
          'System Failure Error: An unexpected error occurred while accessing or saving your data. Please wait a few minutes and try again. If the problem persists, contact customer support.',
        code: '10000',
      },
    ],
    'SystemFault',
    status,
  )

/**
 * The gateway's 401/403 body (fixtures 3200-401-*.json, 3100-403-*.json): lower-case keys, `time` in
 * epoch milliseconds, and the null/empty siblings the captures show.
 */
export class GatewayFault extends Error {
  constructor(
    readonly status: 401 | 403,
    readonly detail: string | null,
  ) {
    super(status === 401 ? 'AuthenticationFailed' : 'AuthorizationFailed')
  }

  body(nowMs: number) {
    const code = this.status === 401 ? '3200' : '3100'
    const message =
      this.status === 401
        ? 'message=AuthenticationFailed; errorCode=003200; statusCode=401'
        : 'message=AuthorizationFailed; errorCode=003100; statusCode=403'
    return {
      warnings: null,
      intuitObject: null,
      fault: {
        error: [{ message, detail: this.detail, code, element: null }],
        type: this.status === 401 ? 'AUTHENTICATION' : 'SERVICE',
      },
      report: null,
      queryResponse: null,
      batchItemResponse: [],
      attachableResponse: [],
      syncErrorResponse: null,
      requestId: null,
      time: nowMs,
      status: null,
      cdcresponse: [],
    }
  }
}

/** Token and revoke endpoint errors: plain OAuth JSON, never a Fault (fixtures oauth/token-error-*). */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description?: string,
  ) {
    super(description ? `${error}: ${description}` : error)
  }

  body(): { error: string; error_description?: string } {
    return this.description === undefined
      ? { error: this.error }
      : { error: this.error, error_description: this.description }
  }
}
