import { ConfigError, type GatewayConfig } from '@portcullis/core'
import { describe, expect, it } from 'vitest'
import type { AdapterFixture } from '../adapters/fixture'

/** A broken config stops the adapter at start-up with one error that names every bad path. */
export function configErrorCases(adapter: AdapterFixture): void {
  describe('config errors', () => {
    it('refuses to start with one ConfigError that lists every problem by path', async () => {
      delete process.env.PORTCULLIS_TEST_UNSET_SECRET
      const broken = {
        trustedProxies: ['env:PORTCULLIS_TEST_UNSET_SECRET'],
        request: { maxBodyBytes: true, idd: {} },
        rateLimitz: [],
      } as unknown as GatewayConfig
      const started = adapter.start(broken)
      await expect(started).rejects.toBeInstanceOf(ConfigError)
      const error = (await started.catch((e: unknown) => e)) as ConfigError
      expect(error.problems.map((p) => p.path).sort()).toEqual([
        'rateLimitz',
        'request.idd',
        'request.maxBodyBytes',
        'trustedProxies[0]',
      ])
      expect(error.message).toContain('trustedProxies[0]: environment variable PORTCULLIS_TEST_UNSET_SECRET is not set')
    })
  })
}
