import { type TSchema, Type } from '@sinclair/typebox'

/**
 * The keyword that marks a value only code can give (a function, a client instance).
 * The config validator checks it by duck typing; the editor schema leaves such values out.
 */
export const codeOnlyKeyword = 'x-portcullis-code'

/** The keyword that runs a semantic check on a value the JSON types cannot express. */
export const checkKeyword = 'x-portcullis-check'

/** The keyword a union's schema uses to say, in words, what it accepts. */
export const expectedKeyword = 'x-portcullis-expected'

/** The kinds of code-only values the validator knows how to check. */
export type CodeOnlyKind = 'stage' | 'store' | 'clock' | 'function'

/** The semantic checks the validator knows how to run. */
export type CheckKind =
  | 'proxy-address'
  | 'byte-size'
  | 'header-name'
  | 'duration'
  | 'route-pattern'
  | 'url'
  | 'date-time'
  | 'key-hash'
  | 'time-zone'

/** A value only code can give; the validator checks it by its shape. */
export function codeOnly<T>(kind: CodeOnlyKind, description: string): TSchema & { static: T } {
  return Type.Unsafe<T>({ [codeOnlyKeyword]: kind, description })
}

/** A string the validator runs a semantic check on. */
export function checkedString(kind: CheckKind, description: string) {
  return Type.String({ [checkKeyword]: kind, description })
}

/** A size in bytes. */
export const ByteSize = Type.Union(
  [Type.Integer({ minimum: 0 }), checkedString('byte-size', 'A size with its unit.')],
  {
    [expectedKeyword]: 'a size such as 1048576, "512kb" or "1mb"',
    description: 'A size in bytes: an integer, or a string such as "512kb" or "1mb".',
  },
)

/** A duration, always with its unit. */
export const Duration = checkedString('duration', 'A duration with its unit: "500ms", "30s", "10m", "1h", "1d".')

/** An HTTP header name. */
export const HeaderName = checkedString('header-name', 'An HTTP header name.')

/** A route pattern: `[METHOD[,METHOD…]] /path` with `*`, `**` and `{param}` segments. */
export const RoutePatternString = checkedString(
  'route-pattern',
  'A route: "[METHOD[,METHOD…]] /path", where * and {param} match one segment and ** any number.',
)

/** An http(s) URL. */
export const HttpUrl = checkedString('url', 'An http:// or https:// URL.')

/** A non-empty string. */
export const NonEmpty = Type.String({ minLength: 1 })
