export * from '@portcullis/core'
export { gateway, type KoaGateway } from './gateway'
