/**
 * Changes to the request as it goes on to the app (or, with routes, an upstream): headers the
 * gateway removes or sets (a stripped API key, identity headers), query parameters and cookies it
 * takes out. Stages record them; the adapter applies them once the request is let through.
 */
export interface OnwardRequest {
  /** Removes a request header (case-insensitive). */
  removeHeader(name: string): void
  /** Sets a request header, replacing any copy the client sent. */
  setHeader(name: string, value: string): void
  /** Removes every occurrence of a query parameter. */
  removeQueryParam(name: string): void
  /** Removes a cookie from the `Cookie` header. */
  removeCookie(name: string): void
}

const none: ReadonlySet<string> = new Set()

/**
 * The edits recorded on a request, as the engine reads them back. Each collection is made on first
 * use: most requests only set the identity headers.
 */
export class OnwardEdits implements OnwardRequest {
  readonly setHeaders = new Map<string, string>()
  #removedHeaders: Set<string> | undefined
  #removedQueryParams: Set<string> | undefined
  #removedCookies: Set<string> | undefined

  get removedHeaders(): ReadonlySet<string> {
    return this.#removedHeaders ?? none
  }

  get removedQueryParams(): ReadonlySet<string> {
    return this.#removedQueryParams ?? none
  }

  get removedCookies(): ReadonlySet<string> {
    return this.#removedCookies ?? none
  }

  removeHeader(name: string): void {
    const lower = name.toLowerCase()
    this.setHeaders.delete(lower)
    this.#removedHeaders ??= new Set()
    this.#removedHeaders.add(lower)
  }

  setHeader(name: string, value: string): void {
    const lower = name.toLowerCase()
    this.#removedHeaders?.delete(lower)
    this.setHeaders.set(lower, value)
  }

  removeQueryParam(name: string): void {
    this.#removedQueryParams ??= new Set()
    this.#removedQueryParams.add(name)
  }

  removeCookie(name: string): void {
    this.#removedCookies ??= new Set()
    this.#removedCookies.add(name)
  }
}

/** A query pair's name (`a` of `a=1`): raw, and form-decoded (the raw text when it does not decode). */
export function queryPairName(pair: string): { readonly raw: string; readonly decoded: string } {
  const equals = pair.indexOf('=')
  const raw = equals === -1 ? pair : pair.slice(0, equals)
  try {
    return { raw, decoded: decodeURIComponent(raw.replace(/\+/g, ' ')) }
  } catch {
    return { raw, decoded: raw }
  }
}

/** The raw query without the named parameters (names compared after form decoding). */
export function withoutQueryParams(rawQuery: string, names: ReadonlySet<string>): string {
  if (rawQuery === '' || names.size === 0) return rawQuery
  return rawQuery
    .split('&')
    .filter((pair) => !names.has(queryPairName(pair).decoded))
    .join('&')
}

/** A `Cookie` header value without the named cookies; `undefined` when none is left. */
export function withoutCookies(header: string, names: ReadonlySet<string>): string | undefined {
  const kept = header
    .split(';')
    .map((pair) => pair.trim())
    .filter((pair) => pair !== '' && !names.has(pair.slice(0, Math.max(0, pair.indexOf('='))).trim()))
  return kept.length === 0 ? undefined : kept.join('; ')
}
