/**
 * The Express stack a team assembles today without a gateway, on the same routes: a log line per
 * request, an API-key check or a `jose` ES256 JWT check, express-rate-limit per consumer, and
 * express-openapi-validator against the same OpenAPI document Portcullis validates with.
 */
import { createHash } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import express, { type NextFunction, type Request, type Response } from 'express'
import * as OpenApiValidator from 'express-openapi-validator'
import rateLimit from 'express-rate-limit'
import { createLocalJWKSet, jwtVerify } from 'jose'
import { benchApiKeyHash, benchAudience, benchIssuer, benchJwks, noopSink } from './bench-credentials'
import { createdUser, userById } from './routes'
import { announce, benchHost, startupOptions } from './startup'
import { usersOpenApi } from './users-openapi'

const options = startupOptions()
const jwks = createLocalJWKSet(benchJwks() as Parameters<typeof createLocalJWKSet>[0])
const app = express()

// The log line: built and handed to a sink when the response finishes, like pino-http does.
app.use((req, res, next) => {
  const started = performance.now()
  res.on('finish', () =>
    noopSink(
      JSON.stringify({
        level: 30,
        time: Date.now(),
        req: { method: req.method, url: req.originalUrl },
        res: { statusCode: res.statusCode },
        responseTime: performance.now() - started,
        consumer: res.locals.consumer,
      }),
    ),
  )
  next()
})

const unauthorized = (res: Response) => res.status(401).json({ error: 'unauthorized' })

// An API key, or else a bearer JWT verified with jose on every request.
app.use(async (req: Request, res: Response, next: NextFunction) => {
  const key = req.get('x-api-key')
  if (key !== undefined) {
    if (`sha256:${createHash('sha256').update(key).digest('hex')}` !== benchApiKeyHash) return unauthorized(res)
    res.locals.consumer = 'bench-key'
    return next()
  }
  const authorization = req.get('authorization')
  if (authorization?.startsWith('Bearer ') !== true) return unauthorized(res)
  try {
    const { payload } = await jwtVerify(authorization.slice(7), jwks, {
      issuer: benchIssuer,
      audience: benchAudience,
      algorithms: ['ES256'],
    })
    res.locals.consumer = payload.sub
    return next()
  } catch {
    return unauthorized(res)
  }
})

app.use(
  rateLimit({
    windowMs: 60_000,
    limit: 1_000_000_000,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (_req, res) => String(res.locals.consumer),
  }),
)
app.use(express.json())
app.use(
  OpenApiValidator.middleware({
    apiSpec: structuredClone(usersOpenApi) as never,
    validateRequests: true,
    validateResponses: false,
  }),
)
app.get('/users/:id', (req, res) => {
  res.json(userById(req.params.id as string))
})
app.post('/users', (req, res) => {
  res.status(201).json(createdUser(req.body))
})
app.use((error: { status?: number; message?: string }, _req: Request, res: Response, _next: NextFunction) => {
  res.status(error.status ?? 500).json({ error: error.message })
})

const server = app.listen(options.port, benchHost, () => announce((server.address() as AddressInfo).port, options))
