/**
 * The fixed, ordered phases of one request. Stages fill phases; they cannot reorder them.
 *
 * - `receive`: the request target and body limits (built in).
 * - `connection`: the connection itself, e.g. mutual TLS.
 * - `authenticate`: find who the caller is.
 * - `authorize`: decide whether that caller may call this.
 * - `validate`: check the request against the API's schema.
 * - `limit`: rate limits and quotas.
 * - `route`: answer the request (upstream, in-process handler, cache) or let the app answer it.
 */
export const phases = ['receive', 'connection', 'authenticate', 'authorize', 'validate', 'limit', 'route'] as const

/** One of the fixed {@link phases}. */
export type Phase = (typeof phases)[number]

/** Whether a value names a phase. */
export function isPhase(value: unknown): value is Phase {
  return typeof value === 'string' && (phases as readonly string[]).includes(value)
}
