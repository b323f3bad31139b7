import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gateway } from '@portcullis/node'
import { gatewayConfig } from './gateway-configs'
import { usersListener } from './node-app'
import { announce, benchHost, startupOptions } from './startup'

const options = startupOptions()
const server = createServer(
  options.gateway ? gateway(gatewayConfig(options.profile, options.store)).wrap(usersListener) : usersListener,
)
server.listen(options.port, benchHost, () => announce((server.address() as AddressInfo).port, options))
