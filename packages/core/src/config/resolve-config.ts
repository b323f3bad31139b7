import { type Clock, systemClock } from '../engine/clock'
import type { Stage } from '../engine/stage'
import { ConfigError, type ConfigProblem } from '../errors/config-error'
import { LifecycleEmitter } from '../events/event-emitter'
import { redactedContext } from '../events/redacted-context'
import { compileProxyTrust, type ProxyTrust } from '../request/client-ip'
import { buildAdmin } from '../stages/admin/build-admin'
import { buildContext } from '../stages/build-context'
import { buildIdentityStages } from '../stages/build-identity'
import { buildDiscovery } from '../stages/discovery/build-discovery'
import type { DiscoveryAdmin } from '../stages/discovery/discovery-admin'
import { buildLimits } from '../stages/limits/build-limits'
import type { LimitsAdmin } from '../stages/limits/limits-admin'
import { buildRouter } from '../stages/route/build-routes'
import type { Router } from '../stages/route/router'
import type { UpstreamTransportFactory } from '../stages/route/upstream-transport'
import { buildTelemetry, type TelemetryAdmin } from '../stages/telemetry/build-telemetry'
import { compileRedactor } from '../stages/telemetry/redaction'
import { buildValidationStages } from '../stages/validation/build-validation'
import { MemoryStore } from '../store/memory-store'
import type { Store } from '../store/store'
import { storeKind } from '../store/store-kinds'
import { parseByteSize } from './byte-size'
import { configDirectoryOf } from './config-directory'
import { parseDuration } from './duration'
import { type Environment, processEnvironment, resolveEnvReferences } from './env-references'
import type { GatewayConfig } from './schema'
import { validateConfig } from './validate-config'

/** The config after validation, with defaults applied and everything compiled for the request path. */
export interface ResolvedGatewayConfig {
  /** The config as given, with `env:` references resolved. */
  readonly source: GatewayConfig
  readonly trust: ProxyTrust
  readonly store: Store
  readonly clock: Clock
  readonly maxBodyBytes: number
  readonly maxJsonDepth: number
  /** The lowercase name of the request id header. */
  readonly requestIdHeader: string
  readonly trustIncomingRequestId: boolean
  readonly stages: readonly Stage[]
  /** The lifecycle event stream the stages emit to. */
  readonly events: LifecycleEmitter
  /** Quota usage and outage counters. */
  readonly limits: LimitsAdmin
  /** What discovery learned, when the `discovery` section is on. */
  readonly discovery: DiscoveryAdmin | undefined
  /** The routes, when the `routes` section has any. */
  readonly router: Router | undefined
  /** The counts of the telemetry outputs. */
  readonly telemetry: TelemetryAdmin
}

/** Options of {@link resolveConfig}. */
export interface ResolveConfigOptions {
  /** Where `env:NAME` references are read from. Default: the process environment. */
  env?: Environment
  /** The file the config came from, named in the {@link ConfigError}. */
  source?: string
  /** The folder relative file paths in the config are resolved against. Default: the config file's, else the working directory. */
  baseDirectory?: string
  /**
   * Makes the connection to each upstream target of the `routes`. Default: one on `fetch`; the Node
   * adapters pass one on undici's connection pools.
   */
  upstreamTransport?: UpstreamTransportFactory
}

/** The default body limit: 1 MiB. */
export const defaultMaxBodyBytes = 1024 * 1024
/** The default JSON nesting limit. */
export const defaultMaxJsonDepth = 64

/**
 * Validates a config and resolves it for the engine. Throws one {@link ConfigError} listing every
 * problem (with its path) when there are any; nothing is half-applied.
 */
export function resolveConfig(config: GatewayConfig, options: ResolveConfigOptions = {}): ResolvedGatewayConfig {
  const problems: ConfigProblem[] = []
  const resolved = resolveEnvReferences(config ?? {}, options.env ?? processEnvironment(), problems)
  // A value whose variable is missing has one problem already; its unresolved text is not judged too.
  const unresolved = new Set(problems.map((problem) => problem.path))
  problems.push(...validateConfig(resolved).filter((problem) => !unresolved.has(problem.path)))
  if (problems.length > 0) throw new ConfigError(problems, options.source)
  const source = resolved as GatewayConfig
  const clock = source.clock ?? systemClock
  const trust = compileProxyTrust(source.trustedProxies)
  const build = buildContext(clock, options.baseDirectory ?? configDirectoryOf(config), problems)
  const store = resolveStore(source.store, clock, problems)
  const redactor = compileRedactor(source)
  const events = new LifecycleEmitter((ctx) => redactedContext(ctx, redactor))
  const limits = buildLimits(source, { store, events, clock }, build)
  const validation = buildValidationStages(source, build)
  const discovery = buildDiscovery(source, store, validation.documented, build)
  const router = buildRouter(source, { store, events, transport: options.upstreamTransport }, build)
  const telemetry = buildTelemetry(source, store, build)
  const sectionStages = [
    ...validation.stages,
    ...buildIdentityStages(source, trust.trustsAnyone, build),
    ...limits.stages,
    ...discovery.stages,
    ...telemetry.stages,
  ]
  let ready = false
  const admin = buildAdmin(
    source,
    {
      written: config,
      store,
      limits: limits.admin,
      discovery: discovery.admin,
      telemetry: telemetry.admin,
      ready: () => ready,
    },
    build,
  )
  // The admin API answers first: its calls are the gateway's own, not the API's.
  const builtStages = admin === undefined ? sectionStages : [admin, ...sectionStages]
  if (problems.length > 0) {
    // A store the config made (a Redis connection) must not outlive the refusal.
    if (store !== source.store) void store.close().catch(() => {})
    void router?.close().catch(() => {})
    throw new ConfigError(problems, options.source)
  }
  build.start()
  Promise.all(builtStages.map((stage) => stage.ready)).then(
    () => {
      ready = true
    },
    () => {},
  )
  return {
    source,
    trust,
    store,
    clock,
    maxBodyBytes: parseByteSize(source.request?.maxBodyBytes ?? defaultMaxBodyBytes) as number,
    maxJsonDepth: source.request?.maxJsonDepth ?? defaultMaxJsonDepth,
    requestIdHeader: (source.request?.id?.header ?? 'x-request-id').toLowerCase(),
    trustIncomingRequestId: source.request?.id?.trustIncoming ?? true,
    stages: [...builtStages, ...(source.stages ?? [])],
    events,
    limits: limits.admin,
    discovery: discovery.admin,
    router,
    telemetry: telemetry.admin,
  }
}

const isStore = (value: object): value is Store => typeof (value as Partial<Store>).get === 'function'

function resolveStore(setting: GatewayConfig['store'], clock: Clock, problems: ConfigProblem[]): Store {
  if (setting === undefined || setting === 'memory') return new MemoryStore({ clock })
  if (isStore(setting)) return setting
  if ('memory' in setting) return new MemoryStore({ clock, maxEntries: setting.memory.maxEntries })
  const redis = storeKind('redis')
  if (redis === undefined) {
    problems.push({
      path: 'store.redis',
      message: 'needs @portcullis/redis: install it and import it once (or pass store: redisStore({ url }) in code)',
    })
    return new MemoryStore({ clock })
  }
  const { url, prefix, commandTimeout } = setting.redis
  return redis({
    url,
    prefix,
    commandTimeoutMs: commandTimeout === undefined ? undefined : parseDuration(commandTimeout),
  })
}
