/**
 * The Hono stack a team assembles today without a gateway, on the same routes: a log line per
 * request, an API-key check or a `jose` ES256 JWT check, hono-rate-limiter per consumer, and zod
 * validators (@hono/zod-validator) holding the same rules as the OpenAPI document.
 */
import { createHash } from 'node:crypto'
import { serve } from '@hono/node-server'
import { zValidator } from '@hono/zod-validator'
import { Hono } from 'hono'
import { rateLimiter } from 'hono-rate-limiter'
import { createLocalJWKSet, jwtVerify } from 'jose'
import { z } from 'zod'
import { benchApiKeyHash, benchAudience, benchIssuer, benchJwks, noopSink } from './bench-credentials'
import { createdUser, userById } from './routes'
import { announce, benchHost, startupOptions } from './startup'

const options = startupOptions()
const jwks = createLocalJWKSet(benchJwks() as Parameters<typeof createLocalJWKSet>[0])
const app = new Hono<{ Variables: { consumer: string } }>()

app.use(async (c, next) => {
  const started = performance.now()
  await next()
  noopSink(
    JSON.stringify({
      level: 30,
      time: Date.now(),
      req: { method: c.req.method, url: c.req.path },
      res: { statusCode: c.res.status },
      responseTime: performance.now() - started,
      consumer: c.get('consumer'),
    }),
  )
})

app.use(async (c, next) => {
  const key = c.req.header('x-api-key')
  if (key !== undefined) {
    if (`sha256:${createHash('sha256').update(key).digest('hex')}` !== benchApiKeyHash)
      return c.json({ error: 'unauthorized' }, 401)
    c.set('consumer', 'bench-key')
    return next()
  }
  const authorization = c.req.header('authorization')
  if (authorization?.startsWith('Bearer ') !== true) return c.json({ error: 'unauthorized' }, 401)
  try {
    const { payload } = await jwtVerify(authorization.slice(7), jwks, {
      issuer: benchIssuer,
      audience: benchAudience,
      algorithms: ['ES256'],
    })
    c.set('consumer', String(payload.sub))
  } catch {
    return c.json({ error: 'unauthorized' }, 401)
  }
  return next()
})

app.use(
  rateLimiter<{ Variables: { consumer: string } }>({
    windowMs: 60_000,
    limit: 1_000_000_000,
    standardHeaders: 'draft-7',
    keyGenerator: (c) => c.get('consumer'),
  }),
)

const newUser = z.strictObject({
  name: z.string().min(1).max(100),
  email: z.email().max(254),
  age: z.int().min(0).max(150).optional(),
  role: z.enum(['admin', 'member', 'guest']).optional(),
  newsletter: z.boolean().optional(),
})

app.get('/users/:id', zValidator('param', z.object({ id: z.string().regex(/^[0-9]{1,12}$/) })), (c) =>
  c.json(userById(c.req.valid('param').id)),
)
app.post('/users', zValidator('json', newUser), (c) => c.json(createdUser(c.req.valid('json')), 201))

serve({ fetch: app.fetch, port: options.port, hostname: benchHost }, (info) => announce(info.port, options))
