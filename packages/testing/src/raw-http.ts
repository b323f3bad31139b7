import net from 'node:net'
import tls from 'node:tls'

/** A parsed HTTP/1.1 response. */
export interface RawResponse {
  readonly status: number
  /** Lowercase header names; repeated headers joined with `, ` (set-cookie kept apart). */
  readonly headers: Record<string, string>
  readonly setCookies: readonly string[]
  readonly body: string
  /** The body parsed as JSON, or undefined when it is not JSON. */
  readonly json: unknown
}

/** Options of {@link rawHttp}. */
export interface RawHttpOptions {
  method?: string
  /** The request target, sent byte for byte (no URL normalisation). */
  target: string
  headers?: Record<string, string>
  /** A body; sent with Content-Length unless `chunked`. */
  body?: string | Buffer
  /** Send the body with Transfer-Encoding: chunked, in chunks of this many bytes. */
  chunked?: number
  /** TLS options (the client certificate, the CA to trust); plain TCP when absent. */
  tls?: tls.ConnectionOptions
  /** Give up after this many ms. Default: 10000. */
  timeoutMs?: number
}

function decodeChunked(body: Buffer): Buffer {
  const parts: Buffer[] = []
  let offset = 0
  for (;;) {
    const lineEnd = body.indexOf('\r\n', offset)
    if (lineEnd === -1) break
    const size = Number.parseInt(body.subarray(offset, lineEnd).toString('latin1'), 16)
    if (!Number.isFinite(size) || size === 0) break
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size))
    offset = lineEnd + 2 + size + 2
  }
  return Buffer.concat(parts)
}

function parseResponse(raw: Buffer): RawResponse {
  const headerEnd = raw.indexOf('\r\n\r\n')
  if (headerEnd === -1) throw new Error(`incomplete response: ${raw.toString('latin1').slice(0, 200)}`)
  const [statusLine, ...lines] = raw.subarray(0, headerEnd).toString('latin1').split('\r\n')
  const status = Number((statusLine ?? '').split(' ')[1])
  const headers: Record<string, string> = {}
  const setCookies: string[] = []
  for (const line of lines) {
    const colon = line.indexOf(':')
    const name = line.slice(0, colon).trim().toLowerCase()
    const value = line.slice(colon + 1).trim()
    if (name === 'set-cookie') setCookies.push(value)
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`
  }
  let bodyBytes = raw.subarray(headerEnd + 4)
  if (headers['transfer-encoding']?.includes('chunked')) bodyBytes = decodeChunked(bodyBytes)
  else if (headers['content-length'] !== undefined) bodyBytes = bodyBytes.subarray(0, Number(headers['content-length']))
  const body = bodyBytes.toString('utf8')
  let json: unknown
  try {
    json = JSON.parse(body)
  } catch {
    json = undefined
  }
  return { status, headers, setCookies, body, json }
}

/**
 * Sends one HTTP/1.1 request over a fresh connection, with the request target exactly as given
 * (HTTP clients normalise paths, which would hide what the gateway must refuse).
 */
export function rawHttp(url: string, options: RawHttpOptions): Promise<RawResponse> {
  const { hostname, port } = new URL(url)
  const method = options.method ?? 'GET'
  const headers: Record<string, string> = { host: `${hostname}:${port}`, connection: 'close', ...options.headers }
  const body = options.body === undefined ? undefined : Buffer.from(options.body)
  if (body !== undefined) {
    if (options.chunked !== undefined) headers['transfer-encoding'] = 'chunked'
    else headers['content-length'] ??= String(body.length)
  }
  const head = `${method} ${options.target} HTTP/1.1\r\n${Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('')}\r\n`
  return new Promise((resolve, reject) => {
    const socket = options.tls
      ? tls.connect({ host: hostname, port: Number(port), servername: 'localhost', ...options.tls })
      : net.connect({ host: hostname, port: Number(port) })
    const chunks: Buffer[] = []
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`timed out: ${method} ${options.target}`))
    }, options.timeoutMs ?? 10_000)
    socket.on(options.tls ? 'secureConnect' : 'connect', () => {
      socket.write(head, 'latin1')
      if (body === undefined) return
      if (options.chunked === undefined) {
        socket.write(body)
        return
      }
      for (let offset = 0; offset < body.length; offset += options.chunked) {
        const chunk = body.subarray(offset, offset + options.chunked)
        if (socket.destroyed) return
        socket.write(`${chunk.length.toString(16)}\r\n`)
        socket.write(chunk)
        socket.write('\r\n')
      }
      socket.write('0\r\n\r\n')
    })
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    const finish = () => {
      clearTimeout(timer)
      try {
        resolve(parseResponse(Buffer.concat(chunks)))
      } catch (error) {
        reject(error)
      }
    }
    socket.on('end', finish)
    socket.on('error', (error) => {
      // A server may close after answering (413); what arrived is still the answer.
      if (chunks.length > 0) finish()
      else {
        clearTimeout(timer)
        reject(error)
      }
    })
  })
}

/**
 * Writes bytes on a plain socket and resolves with everything received once the server closes the
 * connection; rejects after `timeoutMs` (the server kept it open) with what arrived so far.
 */
export function rawExchange(url: string, request: string, timeoutMs = 3000): Promise<string> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname, port: Number(port) })
    const chunks: Buffer[] = []
    const received = () => Buffer.concat(chunks).toString('latin1')
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`the connection stayed open ${timeoutMs} ms; received: ${JSON.stringify(received())}`))
    }, timeoutMs)
    socket.on('connect', () => socket.write(request, 'latin1'))
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('error', () => {}) // 'close' follows
    socket.on('close', () => {
      clearTimeout(timer)
      resolve(received())
    })
  })
}
