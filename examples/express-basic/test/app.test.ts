import { expectExampleBehaviour, listen } from '@portcullis/testing'
import { describe, it } from 'vitest'
import { createApp } from '../src/app'

describe('the express example', () => {
  it('serves through the gateway, and refuses what it must', async () => {
    const { app, gateway } = createApp()
    const server = await listen(app)
    try {
      await expectExampleBehaviour(server.url)
    } finally {
      await server.close()
      await gateway.close()
    }
  })
})
