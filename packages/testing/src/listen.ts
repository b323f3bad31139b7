import http from 'node:http'
import https from 'node:https'
import type { AddressInfo } from 'node:net'

/** A server listening on a free port. */
export interface Listening {
  /** `http://127.0.0.1:<port>` or `https://localhost:<port>`. */
  readonly url: string
  close(): Promise<void>
}

/** Starts a Node server for a request listener on 127.0.0.1, port 0: HTTP, or HTTPS with `tls`. */
export async function listen(listener: http.RequestListener, tls?: https.ServerOptions): Promise<Listening> {
  const server = tls === undefined ? http.createServer(listener) : https.createServer(tls, listener)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `${tls === undefined ? 'http' : 'https'}://${tls === undefined ? '127.0.0.1' : 'localhost'}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
