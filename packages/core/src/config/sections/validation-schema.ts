// The symbol imports let declaration files name TypeBox's schema types.
// biome-ignore lint/correctness/noUnusedImports: needed by declaration emit (TS4023)
import type { Hint, Kind, OptionalKind, ReadonlyKind } from '@sinclair/typebox'
import { Type } from '@sinclair/typebox'
import { expectedKeyword } from '../schema-primitives'

const Mode = Type.Union([Type.Literal('block'), Type.Literal('log'), Type.Literal('off')], {
  [expectedKeyword]: 'block, log or off',
})

/** The `openapi` section: the API's own OpenAPI 3.0 / 3.1 document. */
export const OpenApiSection = Type.Union(
  [
    Type.String({ minLength: 1, description: 'A file path (relative to the config file) or an http(s) URL.' }),
    Type.Object({}, { additionalProperties: true, description: 'The document itself.' }),
  ],
  {
    [expectedKeyword]: 'a file path, a URL or the document object',
    description: 'The OpenAPI 3.0 or 3.1 document requests are matched and validated against.',
  },
)

/** The `validation` section. */
export const ValidationSection = Type.Object(
  {
    enabled: Type.Optional(
      Type.Boolean({
        description:
          'The kill switch: false turns every check off and keeps the per-operation settings. Default: true.',
      }),
    ),
    mode: Type.Optional({
      ...Mode,
      description: 'What a request that breaks the document gets, by default. Default: block.',
    }),
    unknownEndpoints: Type.Optional(
      Type.Union([Type.Literal('block'), Type.Literal('log'), Type.Literal('allow')], {
        [expectedKeyword]: 'block, log or allow',
        description: 'Requests to a method and path the document does not list. Default: log.',
      }),
    ),
    operations: Type.Optional(
      Type.Record(Type.String({ minLength: 1 }), Mode, {
        description: 'Per-operation modes, by operationId or "METHOD /template"; they win over x-portcullis.',
      }),
    ),
    maxErrors: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 1000, description: 'The most violations one answer lists. Default: 20.' }),
    ),
    responses: Type.Optional(
      Type.Union([Type.Literal('off'), Type.Literal('log')], {
        [expectedKeyword]: 'off or log',
        description:
          'Check responses against the document and report mismatches as events (never changing them). Default: off.',
      }),
    ),
  },
  { additionalProperties: false, description: 'How requests are checked against the OpenAPI document.' },
)
