import { describe } from 'vitest'
import { adapterFixtures, conformanceSuite } from '../src/index'

for (const adapter of adapterFixtures) {
  describe(`${adapter.name} adapter`, () => conformanceSuite(adapter))
}
