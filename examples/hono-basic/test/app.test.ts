import { getRequestListener } from '@hono/node-server'
import { expectExampleBehaviour, listen } from '@portcullis/testing'
import { describe, it } from 'vitest'
import { createApp } from '../src/app'

describe('the hono example', () => {
  it('serves through the gateway, and refuses what it must', async () => {
    const { app, gateway } = createApp()
    const server = await listen(getRequestListener(app.fetch))
    try {
      await expectExampleBehaviour(server.url)
    } finally {
      await server.close()
      await gateway.close()
    }
  })
})
