import type { GatewayConfig } from './schema'

/**
 * Returns the config unchanged; it only gives editors the type, for configs kept in their own file.
 *
 * @example
 * ```ts
 * export default defineGatewayConfig({ trustedProxies: ['loopback'] })
 * ```
 */
export function defineGatewayConfig(config: GatewayConfig): GatewayConfig {
  return config
}
