/** Where in a token's claims the consumer, groups and scopes are. */
export interface ClaimMapping {
  /** Dot-separated claim path of the consumer id. Default: `sub`. */
  readonly consumer?: string
  /** Dot-separated claim path of the groups (an array, or a space/comma-separated string). Default: `groups`. */
  readonly groups?: string
  /** Dot-separated claim path of the scopes (a space-separated string or an array). Default: `scope`, then `scp`. */
  readonly scopes?: string
}

/** The identity read from a token's claims. */
export interface MappedIdentity {
  readonly consumer: string | undefined
  readonly groups: readonly string[]
  readonly scopes: readonly string[]
}

function readPath(claims: Readonly<Record<string, unknown>>, path: string): unknown {
  let value: unknown = claims
  for (const key of path.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined
    value = (value as Record<string, unknown>)[key]
  }
  return value
}

function toList(value: unknown, separator: RegExp): string[] {
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string' && item !== '')
  if (typeof value === 'string') return value.split(separator).filter((item) => item !== '')
  return []
}

/** Reads the consumer, groups and scopes out of claims, by the configured (or default) paths. */
export function mapClaims(claims: Readonly<Record<string, unknown>>, mapping: ClaimMapping = {}): MappedIdentity {
  const consumer = readPath(claims, mapping.consumer ?? 'sub')
  const scopes =
    mapping.scopes !== undefined
      ? readPath(claims, mapping.scopes)
      : (readPath(claims, 'scope') ?? readPath(claims, 'scp'))
  return {
    consumer:
      typeof consumer === 'string' && consumer !== ''
        ? consumer
        : typeof consumer === 'number'
          ? String(consumer)
          : undefined,
    groups: toList(readPath(claims, mapping.groups ?? 'groups'), /[\s,]+/),
    scopes: toList(scopes, /\s+/),
  }
}
