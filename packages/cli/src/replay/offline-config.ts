import type { Clock, GatewayConfig } from '@portcullis/core'

/** A config made to run offline, and what differs from the file. */
export interface OfflineConfig {
  readonly config: GatewayConfig
  /** What the replay changed, a sentence each: a Redis store replaced, telemetry off. */
  readonly notes: string[]
}

const isUrl = (value: unknown): boolean => typeof value === 'string' && /^https?:\/\//i.test(value)

type JwtIssuer = { jwksUri?: unknown; discovery?: unknown }

function jwtNeeds(issuer: JwtIssuer, at: string): string[] {
  const needs: string[] = []
  if (issuer.jwksUri !== undefined) needs.push(`${at}.jwksUri: the keys are fetched; give them in ${at}.jwks`)
  if (issuer.discovery === true) {
    needs.push(`${at}.discovery: the keys are found through the issuer's discovery document; give them in ${at}.jwks`)
  }
  return needs
}

/**
 * What in a config would reach the network while requests are replayed, each with its path and
 * what to do instead. The upstreams of routes are not listed: the replay answers for them.
 */
export function networkNeeds(config: GatewayConfig): string[] {
  const needs: string[] = []
  if (isUrl(config.openapi)) needs.push('openapi: the document is fetched; save it and name the file')
  const jwt = config.auth?.jwt
  if (jwt !== undefined) {
    needs.push(...jwtNeeds(jwt, 'auth.jwt'))
    jwt.issuers?.forEach((issuer, index) => {
      needs.push(...jwtNeeds(issuer, `auth.jwt.issuers[${index}]`))
    })
  }
  if (config.auth?.introspection !== undefined) {
    needs.push('auth.introspection: every token is checked by the authorization server')
  }
  return needs
}

/**
 * The config a replay runs: counters in a fresh memory store whatever the file names, the recorded
 * clock, and no telemetry (an access log on stdout would mix with the report, and exporters send
 * over the network). Routes need no change here: the engine is built with offline upstreams.
 */
export function offlineConfig(config: GatewayConfig, clock: Clock, file: string): OfflineConfig {
  const notes: string[] = []
  const { store, telemetry, ...kept } = config
  if (typeof store === 'object' && store !== null && 'redis' in store) {
    notes.push(`store: ${file} names a Redis store; the replay counts in a fresh memory store (Redis is not used).`)
  }
  if (telemetry !== undefined) {
    notes.push('telemetry: off during the replay (no access log written, nothing exported).')
  }
  // The rest keeps the symbol-keyed folder loadConfigFile puts on the config for relative paths.
  return { config: { ...kept, store: 'memory', clock }, notes }
}
