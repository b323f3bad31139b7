import secureJson from 'secure-json-parse'
import { GatewayError } from '../errors/gateway-error'

const forbidden = 'Object contains forbidden prototype property'

/**
 * Parses JSON from a request: `JSON.parse`, but a `__proto__` key, or a `constructor` key holding a
 * `prototype`, is refused (400 `request.json_forbidden_key`), so no object the gateway or the app
 * later merges can carry its way onto a prototype.
 */
export function parseRequestJson(text: string): unknown {
  try {
    return secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' })
  } catch (error) {
    if (error instanceof SyntaxError && error.message === forbidden) {
      throw new GatewayError('request.json_forbidden_key', {
        detail: 'The JSON has a "__proto__" or "constructor.prototype" key, which is never accepted.',
      })
    }
    throw new GatewayError('request.invalid_json', { detail: 'The body could not be parsed as JSON.' })
  }
}
