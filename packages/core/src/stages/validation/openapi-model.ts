/**
 * The parts of an OpenAPI 3.0 / 3.1 document the gateway uses, flattened once at start-up:
 * every operation with its merged parameters, body and responses. Schemas stay in the bundled
 * document (internal `$ref`s kept, so cycles are fine) and are named by JSON pointer; the
 * validator compiles them from there.
 */

/** The OpenAPI line of a document, which decides the JSON Schema dialect (draft-04 flavoured, 2020-12). */
export type OpenApiVersion = '3.0' | '3.1'

/** Where a parameter is. */
export type ParameterLocation = 'path' | 'query' | 'header' | 'cookie'

/** A parameter serialisation style (OpenAPI 3 §4.8.12.4). */
export type ParameterStyle = 'matrix' | 'label' | 'simple' | 'form' | 'spaceDelimited' | 'pipeDelimited' | 'deepObject'

/** A JSON Schema inside the document: its pointer (for compiling) and its value (for inspection). */
export interface SchemaRef {
  /** JSON pointer into the bundled document, e.g. `#/components/schemas/Booking`. */
  readonly pointer: string
  /** The schema object as written (it may itself be a `$ref`). */
  readonly value: Readonly<Record<string, unknown>> | boolean
}

/** One parameter of an operation, path-level and operation-level merged, `$ref`s followed. */
export interface OperationParameter {
  readonly name: string
  readonly in: ParameterLocation
  readonly required: boolean
  /** Defaults applied: `form` for query/cookie, `simple` for path/header. */
  readonly style: ParameterStyle
  /** Defaults applied: true for `form`, false otherwise. */
  readonly explode: boolean
  readonly allowReserved: boolean
  /** The parameter's `schema`, or, for a parameter described by `content`, that media type's schema. */
  readonly schema: SchemaRef | undefined
  /** For a parameter described by `content` (e.g. JSON in a query parameter): its media type. */
  readonly contentType: string | undefined
  /** Where the parameter is defined, for messages. */
  readonly pointer: string
  /** Where problems with its value point in a refusal, e.g. `/query/limit`. */
  readonly valuePointer: string
}

/** How a property of a form body is encoded (`encoding` in a media type object). */
export interface PropertyEncoding {
  readonly contentType: string | undefined
  readonly style: ParameterStyle | undefined
  readonly explode: boolean | undefined
  readonly allowReserved: boolean | undefined
}

/** One media type an operation accepts or answers with. */
export interface MediaTypeSchema {
  /** As written, e.g. `application/json`, `application/*+json`, `multipart/form-data`, `*\/*`. */
  readonly mediaType: string
  readonly schema: SchemaRef | undefined
  readonly encoding: Readonly<Record<string, PropertyEncoding>>
}

/** An operation's request body. */
export interface OperationBody {
  readonly required: boolean
  readonly content: readonly MediaTypeSchema[]
  readonly pointer: string
}

/** A security requirement: scheme name → required scopes; an empty object means "no security". */
export type SecurityRequirement = Readonly<Record<string, readonly string[]>>

/** One operation of the API. */
export interface OpenApiOperation {
  /** Upper case, e.g. `GET`. */
  readonly method: string
  /** The path template as the document writes it, e.g. `/hotels/{id}/dates`. */
  readonly template: string
  readonly operationId: string | undefined
  readonly parameters: readonly OperationParameter[]
  readonly requestBody: OperationBody | undefined
  /** By status code (`200`, `4XX`, `default`). */
  readonly responses: Readonly<Record<string, readonly MediaTypeSchema[]>>
  /** The operation's `security`, or the document's when the operation has none; `undefined` when neither says. */
  readonly security: readonly SecurityRequirement[] | undefined
  /** The `x-portcullis` extension, path-item level merged under operation level. */
  readonly extension: Readonly<Record<string, unknown>>
  /** JSON pointer of the operation, e.g. `#/paths/~1hotels~1{id}/get`. */
  readonly pointer: string
}

/** A loaded, checked OpenAPI document. */
export interface OpenApiDocumentModel {
  readonly version: OpenApiVersion
  /** The exact `openapi` field, e.g. `3.0.3`. */
  readonly openapi: string
  readonly title: string
  /**
   * The base paths of `servers` (`/v1` for `https://api.example.com/v1`; variables take their
   * defaults; `''` for a server at the root, and when there are no servers).
   */
  readonly basePaths: readonly string[]
  readonly operations: readonly OpenApiOperation[]
  /** `components.securitySchemes`, as written. */
  readonly securitySchemes: Readonly<Record<string, Readonly<Record<string, unknown>>>>
  /** The bundled document: every external `$ref` inlined, internal ones kept. Schemas compile from here. */
  readonly root: Readonly<Record<string, unknown>>
  /** Where it came from: a file path, a URL, or `(object)`. */
  readonly source: string
}

/** One problem in a document: the file (or URL) and the JSON pointer inside it. */
export interface OpenApiProblem {
  readonly file: string
  /** JSON pointer, e.g. `#/paths/~1hotels/get/responses`. */
  readonly pointer: string
  readonly message: string
}

/** A document that cannot be used: every problem found. */
export class OpenApiLoadError extends Error {
  readonly problems: readonly OpenApiProblem[]

  constructor(problems: readonly OpenApiProblem[]) {
    super(
      `The OpenAPI document has ${problems.length} problem(s):\n${problems.map((p) => `  - ${p.file} ${p.pointer}: ${p.message}`).join('\n')}`,
    )
    this.name = 'OpenApiLoadError'
    this.problems = problems
  }
}
