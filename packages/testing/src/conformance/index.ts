import type { AdapterFixture } from '../adapters/fixture'
import { aclCases } from './acl'
import { adminCases } from './admin'
import { apiKeyCases } from './auth-api-keys'
import { authTokenCases } from './auth-tokens'
import { bodyCases } from './body'
import { canonicalPathCases } from './canonical-paths'
import { clientIpCases } from './client-ip'
import { configErrorCases } from './config-errors'
import { discoveryCases } from './discovery'
import { lifecycleCases } from './lifecycle'
import { limitCases } from './limits'
import { mtlsCases } from './mtls'
import { problemCases } from './problems'
import { requestIdCases } from './request-ids'
import { responseCases } from './responses'
import { routingCases } from './routing'
import { telemetryCases } from './telemetry'
import { tlsCases } from './tls'
import { validationCases } from './validation'

/** Registers every conformance case for one adapter. Later features add their cases here. */
export function conformanceSuite(adapter: AdapterFixture): void {
  configErrorCases(adapter)
  requestIdCases(adapter)
  problemCases(adapter)
  canonicalPathCases(adapter)
  bodyCases(adapter)
  clientIpCases(adapter)
  tlsCases(adapter)
  responseCases(adapter)
  lifecycleCases(adapter)
  apiKeyCases(adapter)
  authTokenCases(adapter)
  mtlsCases(adapter)
  aclCases(adapter)
  validationCases(adapter)
  limitCases(adapter)
  discoveryCases(adapter)
  routingCases(adapter)
  telemetryCases(adapter)
  adminCases(adapter)
}
