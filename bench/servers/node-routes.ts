/**
 * The routing benchmark's gateway: node:http with Portcullis in front and nothing behind it but a
 * 404 listener, so every answer comes from a route. `--routes proxy|handler|cache` picks the
 * config (route-configs.ts); the upstream's URL comes in `UPSTREAM_URL`.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { parseArgs } from 'node:util'
import { gateway } from '@portcullis/node'
import type { RoutingMode } from '../lib/workload'
import { notFoundListener } from './node-app'
import { routingConfig } from './route-configs'
import { announce, benchHost, startupOptions } from './startup'

const modes: readonly RoutingMode[] = ['proxy', 'handler', 'cache']
const { values } = parseArgs({ options: { routes: { type: 'string' } } })
const mode = modes.find((candidate) => candidate === values.routes)
if (mode === undefined) throw new Error(`--routes ${values.routes}: expected ${modes.join(', ')}`)

const options = { ...startupOptions([]), gateway: true }
const server = createServer(gateway(routingConfig(mode, process.env.UPSTREAM_URL)).wrap(notFoundListener))
server.listen(options.port, benchHost, () => announce((server.address() as AddressInfo).port, options))
