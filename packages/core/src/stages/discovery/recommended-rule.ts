import type { SessionPartConfig } from '../../config/sections/discovery-schema'
import type { RateLimitRuleConfig } from '../../config/sections/limits-schema'
import type { EndpointKey } from './openapi-export'

/** A template as a rate-limit `match`: each `{param}` segment (with any suffix) becomes `*`. */
export function templateToMatch(endpoint: EndpointKey): string {
  const path = endpoint.template
    .split('/')
    .map((segment) => (segment.includes('{') ? '*' : segment))
    .join('/')
  return `${endpoint.method} ${path}`
}

const ruleName = (endpoint: EndpointKey) =>
  `recommended-${endpoint.method.toLowerCase()}${endpoint.template
    .replace(/\{[^}]*\}/g, 'x')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/-+$/, '')}`.slice(0, 64)

/**
 * A recommendation as a `rateLimits` rule, counted the way discovery told sessions apart (the first
 * session-key part; a request without it counts by IP, as discovery's did), in `report` mode: try it on
 * real traffic before enforcing it.
 */
export function recommendedRule(
  endpoint: EndpointKey,
  threshold: number,
  windowText: string,
  sessionKey: readonly SessionPartConfig[],
): RateLimitRuleConfig {
  return {
    name: ruleName(endpoint),
    match: templateToMatch(endpoint),
    by: sessionKey[0] ?? 'ip',
    limit: threshold,
    window: windowText,
    mode: 'report',
  }
}
