/** A response body as JSON, or undefined when it is empty or not JSON (the test then reads the text). */
export function jsonOrUndefined(text: string): unknown {
  try {
    return text === '' ? undefined : JSON.parse(text)
  } catch {
    return undefined
  }
}
