import { createServer } from 'node:net'

/**
 * A TCP port that was free a moment ago. For servers whose own address must be known before they
 * listen (a webhook publicUrl pointing back at them); everything else listens on port 0.
 */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  await new Promise((resolve) => server.close(resolve))
  return port
}
