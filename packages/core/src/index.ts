export { type NodeResponseLike, onNodeResponseDone } from './adapter/node-response-done'
export { parseByteSize } from './config/byte-size'
export { defineGatewayConfig } from './config/define-config'
export { parseDuration } from './config/duration'
export { editorConfigSchema } from './config/editor-schema'
export type { Environment } from './config/env-references'
export {
  defaultMaxBodyBytes,
  defaultMaxJsonDepth,
  type ResolveConfigOptions,
  type ResolvedGatewayConfig,
  resolveConfig,
} from './config/resolve-config'
export { type GatewayConfig, gatewayConfigSchema } from './config/schema'
export type { AdminConfig } from './config/sections/admin-schema'
export type { ApiKeyRecord, ApiKeySource } from './config/sections/auth-schema'
export type { RouteConfig, UpstreamConfig } from './config/sections/routes-schema'
export { type Clock, systemClock } from './engine/clock'
export type { AnsweredBy, GatewayContext, GatewayVariables, StageTiming } from './engine/context'
export {
  applyResponseHeaders,
  type CompletedResponse,
  createEngine,
  type Engine,
  type Outcome,
  type ResponseHeaderList,
} from './engine/engine'
export type { OnwardRequest } from './engine/onward-request'
export { isPhase, type Phase, phases } from './engine/phases'
export type { CredentialKind, Principal } from './engine/principal'
export type { ResponseHeaders } from './engine/response-headers'
export { deny, proceed, respond, type Stage, type StageDecision, type StageMode } from './engine/stage'
export { allErrorCodes, type ErrorCode, errorCodes, errorTypeBase } from './errors/codes'
export { ConfigError, type ConfigProblem } from './errors/config-error'
export { GatewayError, type GatewayErrorOptions, isGatewayError, type ProblemItem } from './errors/gateway-error'
export { type ProblemDocument, problemMediaType, toProblemDocument, toProblemResponse } from './errors/problem'
export { LifecycleEmitter, type LifecycleListener } from './events/event-emitter'
export type {
  LifecycleEventName,
  LifecycleEvents,
  LimitFallbackEvent,
  RequestReceivedEvent,
  RequestRespondedEvent,
  RequestRoutedEvent,
  SessionFlaggedEvent,
  StageDecisionEvent,
} from './events/lifecycle-events'
export { compileRoutePattern, type RoutePattern, routePatternProblem } from './matching/route-pattern'
export { type BodySource, bodyTooLarge, concatChunks, type RequestBody, readLimited } from './request/body'
export { type CanonicalizeResult, type CanonicalTarget, canonicalizeTarget } from './request/canonical-path'
export {
  type ClientAddress,
  compileProxyTrust,
  forwardingHeaders,
  type ProxyTrust,
  resolveClientAddress,
} from './request/client-ip'
export type { GatewayRequest, RawRequest } from './request/gateway-request'
export { normalizeIpAddress } from './request/ip-address'
export { type HeaderRecord, RecordHeaders } from './request/record-headers'
export type { RequestHeaders } from './request/request-headers'
export { type TlsSocketLike, tlsInfoFromSocket } from './request/socket-tls'
export type { PeerCertificate, TlsInfo } from './request/tls-info'
export { parseTraceparent, type TraceContext } from './request/trace-context'
export { type DashboardAssets, type DashboardFile, registerDashboard } from './stages/admin/dashboard-assets'
export type { ReviewState } from './stages/admin/endpoint-reviews'
export { generateApiKey, hashApiKey } from './stages/api-key/api-key-hash'
export type {
  DiscoveredEndpointReport,
  DiscoveryAdmin,
  RecommendedLimit,
} from './stages/discovery/discovery-admin'
export {
  DiscoveryBook,
  type DiscoveryBookOptions,
  type DiscoverySnapshot,
  type TrafficSample,
} from './stages/discovery/discovery-book'
export type { EndpointDiff, EndpointKey, ExportInfo } from './stages/discovery/openapi-export'
export type { Recommendation } from './stages/discovery/recommend-limit'
export { recommendedRule, templateToMatch } from './stages/discovery/recommended-rule'
export { sessionHash } from './stages/discovery/session-key'
export type { AppliedRuleConfig } from './stages/limits/applied-rules'
export type { FallbackCounts } from './stages/limits/limit-fallbacks'
export type { LimitsAdmin, QuotaSubject, QuotaUsage } from './stages/limits/limits-admin'
export type { ClientCertificate } from './stages/mtls/client-certificate'
export { fetchTransport } from './stages/route/fetch-transport'
export type { RouteHandler, RouteHandlerContext } from './stages/route/in-process-handler'
export { iterableStream } from './stages/route/iterable-stream'
export {
  UpstreamFailure,
  type UpstreamFailureKind,
  type UpstreamRequest,
  type UpstreamResponse,
  type UpstreamTimeouts,
  type UpstreamTransport,
  type UpstreamTransportFactory,
  type UpstreamTransportOptions,
} from './stages/route/upstream-transport'
export type {
  AnalyticsJSON,
  AnalyticsSnapshot,
  MinuteTraffic,
  NamedTraffic,
} from './stages/telemetry/analytics-book'
export type { TelemetryAdmin } from './stages/telemetry/build-telemetry'
export type { LineWriterStats } from './stages/telemetry/line-writer'
export type { AccessLogSink } from './stages/telemetry/log-sink'
export type { StatusClass, TrafficSummary } from './stages/telemetry/traffic-tally'
export type { LatencyBucket, LatencySummary } from './stats/latency-histogram'
export { MemoryStore, type MemoryStoreOptions } from './store/memory-store'
export type { CounterValue, SlidingWindowResult, Store } from './store/store'
export { registerStoreKind, type StoreFactory, type StoreOptions } from './store/store-kinds'
