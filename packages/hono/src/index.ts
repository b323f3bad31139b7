export * from '@portcullis/core'
export { type ConnectionInfo, gateway, type HonoGateway, type HonoGatewayOptions } from './gateway'
