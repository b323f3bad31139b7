import type { GatewayContext } from '../engine/context'
import type { RequestBody } from '../request/body'
import type { GatewayRequest } from '../request/gateway-request'
import type { RequestHeaders } from '../request/request-headers'
import { type Redactor, redacted } from '../stages/telemetry/redaction'

const withheld = () => Promise.reject(new Error('The request body is not available to event subscribers.'))

/** Request headers with the secret ones' values replaced. */
function redactedHeaders(headers: RequestHeaders, redactor: Redactor): RequestHeaders {
  return {
    get: (name) => {
      const value = headers.get(name)
      return value !== null && redactor.isSecretHeader(name) ? redacted : value
    },
    has: (name) => headers.has(name),
    *entries() {
      for (const [name, value] of headers.entries()) yield [name, redactor.isSecretHeader(name) ? redacted : value]
    },
  } as RequestHeaders
}

/** A view of the request without its secrets: headers and query redacted, cookie values, body and raw object withheld. */
function redactedRequest(request: GatewayRequest, redactor: Redactor): GatewayRequest {
  const rawQuery = redactor.query(request.rawQuery)
  const headers = redactedHeaders(request.headers, redactor)
  const body: RequestBody = {
    get present() {
      return request.body.present
    },
    get declaredLength() {
      return request.body.declaredLength
    },
    get consumed() {
      return request.body.consumed
    },
    get parsedJson() {
      return request.body.parsedJson
    },
    bytes: withheld,
    text: withheld,
    json: withheld,
    stream: () => ({ [Symbol.asyncIterator]: () => ({ next: withheld }) }),
  }
  let query: URLSearchParams | undefined
  let cookies: Record<string, string> | undefined
  return new Proxy(request, {
    get(target, property) {
      switch (property) {
        case 'headers':
          return headers
        case 'rawQuery':
          return rawQuery
        case 'query':
          query ??= new URLSearchParams(rawQuery)
          return query
        case 'cookies':
          cookies ??= Object.fromEntries(Object.keys(target.cookies).map((name) => [name, redacted]))
          return cookies
        case 'body':
          return body
        case 'raw':
          return undefined
        default:
          return Reflect.get(target, property, target)
      }
    },
  })
}

/**
 * The context as event subscribers see it: everything the stages found (principal, operation,
 * timings, denial), but a request whose secrets are redacted (credential headers and query
 * parameters, cookie values) and whose body and framework object are withheld. Methods run on the
 * real context.
 */
export function redactedContext(ctx: GatewayContext, redactor: Redactor): GatewayContext {
  let request: GatewayRequest | undefined
  return new Proxy(ctx, {
    get(target, property) {
      if (property === 'request') {
        request ??= redactedRequest(target.request, redactor)
        return request
      }
      const value = Reflect.get(target, property, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}
