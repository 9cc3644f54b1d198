import type { FastifyInstance } from 'fastify'

export interface RunningServer {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:40123 */
  url: string
  port: number
  close(): Promise<void>
}

/** Listens on host:port (port 0 picks a free one) and returns the URL to reach it. */
export async function listen(app: FastifyInstance, port = 0, host = '127.0.0.1'): Promise<RunningServer> {
  await app.listen({ port, host })
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('server has no TCP address')
  const shownHost = host.includes(':') ? `[${host}]` : host
  return {
    url: `http://${shownHost}:${address.port}`,
    port: address.port,
    close: async () => {
      await app.close()
    },
  }
}
