import { expectExampleBehaviour, listen } from '@portcullis/testing'
import { describe, it } from 'vitest'
import { createListener } from '../src/app'

describe('the node example', () => {
  it('serves through the gateway, and refuses what it must', async () => {
    const { listener, gateway } = createListener()
    const server = await listen(listener)
    try {
      await expectExampleBehaviour(server.url)
    } finally {
      await server.close()
      await gateway.close()
    }
  })
})
