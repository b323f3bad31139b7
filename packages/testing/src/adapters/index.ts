import { expressFixture } from './express'
import type { AdapterFixture } from './fixture'
import { honoFixture } from './hono'
import { koaFixture } from './koa'
import { nodeFixture } from './node'

export type { AdapterFixture, EchoBody, RunningFixture } from './fixture'

/** Every adapter the conformance suite runs against. */
export const adapterFixtures: readonly AdapterFixture[] = [nodeFixture, expressFixture, koaFixture, honoFixture]
