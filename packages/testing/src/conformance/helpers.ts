import type { GatewayConfig, RequestRespondedEvent } from '@portcullis/core'
import { afterAll, beforeAll } from 'vitest'
import type { AdapterFixture, RunningFixture } from '../adapters/fixture'

/** Starts the fixture with a config for the enclosing `describe` block; stops it afterwards. */
export function useFixture(
  adapter: AdapterFixture,
  config: GatewayConfig | (() => GatewayConfig | Promise<GatewayConfig>),
  options?: Parameters<AdapterFixture['start']>[1] | (() => Parameters<AdapterFixture['start']>[1]),
) {
  const state: { running?: RunningFixture } = {}
  beforeAll(async () => {
    const resolved = typeof config === 'function' ? await config() : config
    state.running = await adapter.start(resolved, typeof options === 'function' ? options() : options)
  })
  afterAll(async () => {
    await state.running?.close()
  })
  return {
    get url(): string {
      if (state.running === undefined) throw new Error('fixture not started')
      return state.running.url
    },
    get engine() {
      if (state.running === undefined) throw new Error('fixture not started')
      return state.running.engine
    },
  }
}

/** Resolves with the next `request.responded` event of an engine. */
export function nextResponded(engine: RunningFixture['engine']): Promise<RequestRespondedEvent> {
  return new Promise((resolve) => {
    const off = engine.events.on('request.responded', (event) => {
      off()
      resolve(event)
    })
  })
}
