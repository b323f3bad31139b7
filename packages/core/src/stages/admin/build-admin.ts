import type { GatewayConfig } from '../../config/schema'
import type { Stage } from '../../engine/stage'
import type { Store } from '../../store/store'
import type { BuildContext } from '../build-context'
import type { DiscoveryAdmin } from '../discovery/discovery-admin'
import type { LimitsAdmin } from '../limits/limits-admin'
import type { TelemetryAdmin } from '../telemetry/build-telemetry'
import { AdminAccess } from './admin-access'
import { adminResources } from './admin-api'
import { adminStage, defaultAdminPath } from './admin-stage'
import { registeredDashboard } from './dashboard-assets'

/** What the admin API reports on, from the rest of the built config. */
export interface AdminInputs {
  /** The config as written, `env:` references unread. */
  readonly written: GatewayConfig
  readonly store: Store
  readonly limits: LimitsAdmin
  readonly discovery: DiscoveryAdmin | undefined
  readonly telemetry: TelemetryAdmin
  /** Whether every stage is ready. */
  readonly ready: () => boolean
}

function storeKindOf(setting: GatewayConfig['store']): string {
  if (setting === undefined || setting === 'memory' || (typeof setting === 'object' && 'memory' in setting))
    return 'memory'
  return typeof setting === 'object' && 'redis' in setting ? 'redis' : 'custom'
}

/** Builds the admin stage from the `admin` section; `undefined` without one. */
export function buildAdmin(config: GatewayConfig, inputs: AdminInputs, build: BuildContext): Stage | undefined {
  const admin = config.admin
  if (admin === undefined) return undefined
  const dashboard = admin.dashboard === false ? undefined : registeredDashboard()
  if (admin.dashboard === true && dashboard === undefined)
    build.problem(
      'admin.dashboard',
      'needs @portcullis/dashboard: install it and import it once (or leave dashboard out for the API alone)',
    )
  const now = () => build.clock.now()
  return adminStage({
    path: admin.path ?? defaultAdminPath,
    access: new AdminAccess(admin, now),
    dashboard,
    resources: adminResources({
      config: inputs.written,
      store: inputs.store,
      storeKind: storeKindOf(config.store),
      limits: inputs.limits,
      discovery: inputs.discovery,
      telemetry: inputs.telemetry,
      has: {
        openapi: config.openapi !== undefined,
        analytics: config.telemetry?.analytics !== undefined && config.telemetry.analytics !== false,
        quotas: config.quotas !== undefined,
      },
      ready: inputs.ready,
      now,
    }),
  })
}
