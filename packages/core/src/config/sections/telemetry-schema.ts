// The symbol imports let declaration files name TypeBox's schema types.
// biome-ignore lint/correctness/noUnusedImports: needed by declaration emit (TS4023)
import type { Hint, Kind, OptionalKind, ReadonlyKind } from '@sinclair/typebox'
import { type Static, Type } from '@sinclair/typebox'
import type { AccessLogSink } from '../../stages/telemetry/log-sink'
import { codeOnly, Duration, expectedKeyword, HeaderName, NonEmpty } from '../schema-primitives'

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

/** The `telemetry` section. */
export const TelemetrySection = Type.Object(
  {
    logs: Type.Optional(AccessLogs),
    analytics: Type.Optional(Analytics),
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
