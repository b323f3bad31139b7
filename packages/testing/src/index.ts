export { type AdapterFixture, adapterFixtures, type EchoBody, type RunningFixture } from './adapters/index'
export { conformanceSuite } from './conformance/index'
export { expectExampleBehaviour } from './example-checks'
export { type JwksServer, type SigningKey, startJwksServer } from './jwks-server'
export { type Listening, listen } from './listen'
export { type OidcProviderError, type OidcServer, type OidcServerOptions, startOidcServer } from './oidc-server'
export {
  type ClientCertificateOptions,
  createTestPki,
  type IntermediateCaOptions,
  type KeyPairPem,
  type TestIntermediateCa,
  type TestPki,
} from './pki'
export { type RawHttpOptions, type RawResponse, rawExchange, rawHttp } from './raw-http'
export { readStream } from './read-stream'
export { freePort, killAllRedisServers, type RedisServer, startRedisServer } from './redis-server'
export { readsBodyStage } from './stages'
export { type ReceivedRequest, startUpstream, type UpstreamHandler, type UpstreamServer } from './upstream-server'
