// The symbol imports let declaration files name TypeBox's schema types.
// biome-ignore lint/correctness/noUnusedImports: needed by declaration emit (TS4023)
import type { Hint, Kind, OptionalKind, ReadonlyKind } from '@sinclair/typebox'
import { type Static, Type } from '@sinclair/typebox'
import type { AccessLogSink } from '../../stages/telemetry/log-sink'
import { codeOnly, Duration, expectedKeyword, HeaderName, HttpUrl, NonEmpty } from '../schema-primitives'

const LogDestination = Type.Union(
  [
    Type.Literal('stdout'),
    Type.Literal('stderr'),
    Type.Object(
      { file: Type.String({ minLength: 1, description: 'A file the lines are appended to.' }) },
      { additionalProperties: false },
    ),
    codeOnly<AccessLogSink>(
      'function',
      'A function given each line (code only), e.g. (line) => pino.info(JSON.parse(line)).',
    ),
  ],
  { [expectedKeyword]: 'stdout, stderr, { file } or a function', description: 'Where access log lines go.' },
)

const AccessLogs = Type.Union(
  [
    LogDestination,
    Type.Object(
      {
        to: LogDestination,
        headers: Type.Optional(
          Type.Array(HeaderName, {
            description: 'Request headers to log (sensitive ones are logged as "[REDACTED]").',
          }),
        ),
        maxQueue: Type.Optional(
          Type.Integer({
            minimum: 1,
            description: 'Lines waiting to be written at most; more are dropped and counted. Default: 10000.',
          }),
        ),
      },
      { additionalProperties: false },
    ),
  ],
  {
    [expectedKeyword]: 'stdout, stderr, { file }, a function, or { to, headers, maxQueue }',
    description: 'One JSON line per request (pino-compatible), written off the request path.',
  },
)

const Analytics = Type.Union(
  [
    Type.Boolean(),
    Type.Object(
      {
        maxEndpoints: Type.Optional(
          Type.Integer({ minimum: 1, description: 'Endpoints kept apart; the rest count as "(other)". Default: 500.' }),
        ),
        maxConsumers: Type.Optional(
          Type.Integer({
            minimum: 1,
            description: 'Consumers kept apart; the rest count as "(other)". Default: 1000.',
          }),
        ),
        retain: Type.Optional({
          ...Duration,
          description: 'How much of the per-minute series is kept. Default: "6h".',
        }),
        syncInterval: Type.Optional({
          ...Duration,
          description: 'On a shared store, how often an instance publishes its analytics to the fleet. Default: "30s".',
        }),
      },
      { additionalProperties: false },
    ),
  ],
  {
    [expectedKeyword]: 'true, false or { maxEndpoints, maxConsumers, retain }',
    description:
      'Traffic analytics in process: per endpoint and consumer, status classes, latency percentiles, per minute.',
  },
)

const exporterFields = {
  url: HttpUrl,
  headers: Type.Optional(
    Type.Record(Type.String(), Type.String(), {
      description: "Headers sent with every export, e.g. a hosted collector's API key (write env:NAME).",
    }),
  ),
  timeout: Type.Optional({ ...Duration, description: 'One request\'s deadline. Default: "10s".' }),
  maxQueue: Type.Optional(
    Type.Integer({ minimum: 1, description: 'Records waiting at most; more are dropped and counted. Default: 2048.' }),
  ),
  maxBatch: Type.Optional(Type.Integer({ minimum: 1, description: 'Records per request at most. Default: 512.' })),
  delay: Type.Optional({ ...Duration, description: 'How long records wait for a batch to fill. Default: "1s".' }),
  maxAttempts: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 20,
      description: 'Attempts per batch (429, 502, 503, 504 retried). Default: 5.',
    }),
  ),
  shutdownTimeout: Type.Optional({
    ...Duration,
    description: 'How long closing the gateway waits to send what is queued. Default: "5s".',
  }),
}

const OtlpExporter = Type.Object(
  {
    ...exporterFields,
    metricsInterval: Type.Optional({
      ...Duration,
      description: 'How often http.server.request.duration goes to <url>/v1/metrics. Default: "60s".',
    }),
    serviceName: Type.Optional(
      Type.String({ minLength: 1, description: 'service.name of the resource. Default: "portcullis".' }),
    ),
  },
  {
    additionalProperties: false,
    description:
      'OTLP/HTTP (JSON) to a collector: one log record per request to <url>/v1/logs, and the request duration metric to <url>/v1/metrics.',
  },
)

const NdjsonExporter = Type.Object(exporterFields, {
  additionalProperties: false,
  description: 'The access log records, batched as NDJSON and POSTed to the URL.',
})

/** The `telemetry` section. */
export const TelemetrySection = Type.Object(
  {
    logs: Type.Optional(AccessLogs),
    analytics: Type.Optional(Analytics),
    otlp: Type.Optional(OtlpExporter),
    ndjson: Type.Optional(NdjsonExporter),
    redact: Type.Optional(
      Type.Object(
        {
          headers: Type.Optional(
            Type.Array(HeaderName, { description: 'More headers whose values never leave the gateway.' }),
          ),
          query: Type.Optional(
            Type.Array(NonEmpty, { description: 'More query parameters whose values never leave the gateway.' }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  {
    additionalProperties: false,
    description: 'Access logs and what is redacted from everything that leaves the gateway.',
  },
)

/** The type of the `telemetry` section. */
export type TelemetryConfig = Static<typeof TelemetrySection>
