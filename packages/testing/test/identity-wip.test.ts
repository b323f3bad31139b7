import { describe } from 'vitest'
import { aclCases } from '../src/conformance/acl'
import { apiKeyCases } from '../src/conformance/auth-api-keys'
import { mtlsCases } from '../src/conformance/mtls'
import { adapterFixtures } from '../src/index'

for (const adapter of adapterFixtures) {
  describe(`${adapter.name} adapter`, () => {
    apiKeyCases(adapter)
    mtlsCases(adapter)
    aclCases(adapter)
  })
}
