import { parseDuration } from '../../config/duration'
import type { GatewayConfig } from '../../config/schema'
import type { SessionPartConfig } from '../../config/sections/discovery-schema'
import type { Stage } from '../../engine/stage'
import { FleetShare } from '../../store/fleet-share'
import type { Store } from '../../store/store'
import type { BuildContext } from '../build-context'
import { type DiscoveryAdmin, discoveryAdmin } from './discovery-admin'
import { DiscoveryBook, type DiscoveryBookOptions, type DiscoverySnapshot } from './discovery-book'
import { discoveryStage } from './discovery-stage'
import type { EndpointKey } from './openapi-export'
import { compileSessionKey } from './session-key'
import { compileTrafficFilter } from './traffic-filter'

/** What the `discovery` and `abuse` sections build. */
export interface BuiltDiscovery {
  readonly stages: readonly Stage[]
  readonly admin: DiscoveryAdmin | undefined
}

const defaultSessionKey: readonly SessionPartConfig[] = ['consumer', 'ip']

/**
 * Builds discovery: the book it learns into, the stage that feeds it after each response, the fleet
 * publisher on a shared store, and the admin functions. Nothing when the section is absent or off.
 */
export function buildDiscovery(
  config: GatewayConfig,
  store: Store,
  documented: (() => Promise<readonly EndpointKey[]>) | undefined,
  build: BuildContext,
): BuiltDiscovery {
  const discovery = config.discovery
  if (discovery === undefined && config.abuse !== undefined)
    build.problem('abuse', 'needs a discovery section: recommendations are learned from the traffic it samples')
  if (discovery === undefined || discovery.enabled === false) return { stages: [], admin: undefined }
  const empty = [
    ['abuse.window', config.abuse?.window],
    ['discovery.syncInterval', discovery.syncInterval],
  ].filter(([, text]) => text !== undefined && parseDuration(text) === 0)
  for (const [path] of empty) build.problem(path as string, 'must be longer than 0')
  if (empty.length > 0) return { stages: [], admin: undefined }
  const sessionKey = (
    Array.isArray(discovery.sessionKey)
      ? discovery.sessionKey
      : discovery.sessionKey === undefined
        ? defaultSessionKey
        : [discovery.sessionKey]
  ) as readonly SessionPartConfig[]
  const windowText = config.abuse?.window ?? '10m'
  const options: DiscoveryBookOptions = {
    maxEndpoints: discovery.maxEndpoints ?? 1000,
    maxPaths: discovery.maxPaths ?? 10_000,
    windowMs: parseDuration(windowText) as number,
    sequences: discovery.sequences ?? true,
  }
  const book = new DiscoveryBook(options)
  const fleet =
    store.shared === true
      ? new FleetShare<DiscoveryBook, DiscoverySnapshot>(
          {
            name: 'discovery',
            state: () => book.snapshot(),
            create: () => new DiscoveryBook(options),
            merge: (into, state) => into.merge(state),
          },
          store,
          parseDuration(discovery.syncInterval ?? '30s') as number,
        )
      : undefined
  if (fleet !== undefined) build.whenValid(() => fleet.start())
  const stage = discoveryStage({
    book,
    sampleRate: discovery.sampleRate ?? 1,
    isApiTraffic: compileTrafficFilter(discovery.apiTraffic),
    sessionKey: compileSessionKey(sessionKey),
    ...(fleet === undefined ? {} : { close: () => fleet.close() }),
  })
  const admin = discoveryAdmin({
    book,
    fleet,
    documented,
    minSessions: config.abuse?.minSessions ?? 50,
    headroom: config.abuse?.headroom ?? 1.5,
    windowText,
    sessionKey,
  })
  return { stages: [stage], admin }
}
