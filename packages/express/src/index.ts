export * from '@portcullis/core'
export { type ExpressGateway, gateway } from './gateway'
