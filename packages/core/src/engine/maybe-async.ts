/** A value now, or later: what a step returns when it is synchronous on some stores and not others. */
export type MaybePromise<T> = T | Promise<T>

/**
 * Applies `next` to a value that may still be pending: at once when it is there (no microtask
 * turn, no promise allocated), else when it settles. The in-memory paths of the request pipeline
 * stay synchronous this way, and a networked store still works.
 */
export function andThen<T, R>(value: MaybePromise<T>, next: (value: T) => MaybePromise<R>): MaybePromise<R> {
  return value instanceof Promise ? value.then(next) : next(value)
}

/** Applies `next` to values some of which may still be pending: at once when none is. */
export function allThen<T, R>(
  values: readonly MaybePromise<T>[],
  next: (values: T[]) => MaybePromise<R>,
): MaybePromise<R> {
  return values.some((value) => value instanceof Promise) ? Promise.all(values).then(next) : next(values as T[])
}
