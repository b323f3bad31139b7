const requestIdPattern = /^[A-Za-z0-9._:@/+=-]{1,128}$/

/**
 * Whether an incoming request id is safe to adopt: 1–128 characters from a conservative set, so
 * it can go into logs and headers as it is.
 */
export function isAcceptableRequestId(value: string | null): value is string {
  return value !== null && requestIdPattern.test(value)
}

/** A fresh request id (a random UUID). */
export function newRequestId(): string {
  return crypto.randomUUID()
}
