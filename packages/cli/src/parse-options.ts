import { type ParseArgsConfig, parseArgs } from 'node:util'
import { CliFailure, USAGE } from './cli-failure'

type Options = NonNullable<ParseArgsConfig['options']>

/** What {@link parseOptions} returns: the options' values and the positionals. */
export type ParsedOptions<T extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>
>

/** `parseArgs` with positionals, whose complaints (an unknown option, a missing value) become usage failures. */
export function parseOptions<T extends Options>(args: readonly string[], options: T): ParsedOptions<T> {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true })
  } catch (error) {
    // Node's messages run on with advice about `--`; the first sentence says what is wrong.
    const message = (error as Error).message.split('. ')[0]?.replace(/\.$/, '') ?? 'Bad arguments'
    throw new CliFailure(`${message}.`, USAGE)
  }
}

/** The one FILE argument of a command, or a usage failure. */
export function fileArgument(positionals: readonly string[], command: string): string {
  const [file, extra] = positionals
  if (file === undefined) throw new CliFailure(`portcullis ${command}: give a HAR or NDJSON file to read.`, USAGE)
  if (extra !== undefined) throw new CliFailure(`portcullis ${command}: one file only, got "${extra}" too.`, USAGE)
  return file
}

/** A `--format` value checked against the command's formats. */
export function formatOption<F extends string>(value: string | undefined, formats: readonly F[]): F {
  const format = value ?? formats[0]
  if (format !== undefined && (formats as readonly string[]).includes(format)) return format as F
  throw new CliFailure(`Unknown --format "${value}": use ${formats.join(', ')}.`, USAGE)
}

// RFC 9110's token: what a header name may be.
const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

/** A `--session-header` value: a header name, lower-cased as the gateway's config writes them. */
export function headerOption(value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  if (!headerName.test(value)) throw new CliFailure(`--session-header "${value}" is not an HTTP header name.`, USAGE)
  return value.toLowerCase()
}

/** A numeric option at least `min` (an integer when `integer`), or a usage failure. */
export function numberOption(name: string, value: string | undefined, fallback: number, min: number, integer: boolean) {
  if (value === undefined) return fallback
  const number = Number(value)
  if (value.trim() === '' || !Number.isFinite(number) || number < min || (integer && !Number.isInteger(number))) {
    throw new CliFailure(
      `--${name} must be ${integer ? 'an integer' : 'a number'} of at least ${min}, got "${value}".`,
      USAGE,
    )
  }
  return number
}
