/**
 * What the benchmark routes answer, shared by every server so the frameworks do the same work
 * and the runner's probe checks them against the same values.
 */

/** The user `GET /users/:id` returns, built from the path parameter like a real handler would. */
export function userById(id: string): { id: number; name: string; email: string } {
  return { id: Number(id), name: `User ${id}`, email: `user${id}@example.com` }
}

/** The id every created user gets; a constant, so responses are identical from run to run. */
export const createdUserId = 1001

/** What `POST /users` returns with status 201: the parsed body with an id. */
export function createdUser(body: unknown): Record<string, unknown> {
  return { id: createdUserId, ...(typeof body === 'object' && body !== null ? body : {}) }
}
