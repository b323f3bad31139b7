import { describe, expect, it } from 'vitest'
import { ConfigError, createEngine } from '../src/index'
import { rawRequest } from './raw-request'

const document = (paths: Record<string, unknown>, version = '3.0.3') => ({
  openapi: version,
  info: { title: 'Test', version: '1' },
  paths,
})

const withPattern = (pattern: string) =>
  document({
    '/codes/{code}': {
      get: {
        parameters: [{ name: 'code', in: 'path', required: true, schema: { type: 'string', pattern } }],
        responses: { '200': { description: 'ok' } },
      },
    },
  })

describe('OpenAPI documents at start-up', () => {
  it('refuses a pattern that could backtrack catastrophically, naming where it is', async () => {
    const engine = createEngine({ openapi: withPattern('^(a+)+$') }, { env: {} })
    const error = (await engine.ready().catch((e: unknown) => e)) as ConfigError
    expect(error).toBeInstanceOf(ConfigError)
    expect(error.problems).toEqual([
      {
        path: 'openapi',
        message:
          '(object) #/paths/~1codes~1{code}/get/parameters/0/schema/pattern: could backtrack catastrophically (nested quantifiers); simplify it',
      },
    ])
  })

  it('accepts a safe pattern and checks requests with it', async () => {
    const engine = createEngine({ openapi: withPattern('^[A-Z]{3}$') }, { env: {} })
    await engine.ready()
    expect((await engine.handle(rawRequest({ target: '/codes/ABC' }))).kind).toBe('continue')
    const refused = await engine.handle(rawRequest({ target: '/codes/abcd' }))
    expect(refused.kind === 'respond' && refused.response.status).toBe(400)
  })

  it('refuses an invalid 3.1 schema at start-up, not at the first request', async () => {
    const broken = document(
      {
        '/x': {
          get: {
            parameters: [{ name: 'n', in: 'query', schema: { type: 'strin' } }],
            responses: { '200': { description: 'ok' } },
          },
        },
      },
      '3.1.0',
    )
    const error = (await createEngine({ openapi: broken }, { env: {} })
      .ready()
      .catch((e: unknown) => e)) as ConfigError
    expect(error).toBeInstanceOf(ConfigError)
    expect(error.problems[0]?.message).toMatch(
      /^\(object\) #\/paths\/~1x\/get\/parameters\/0\/schema.*: is not a valid JSON Schema/,
    )
  })

  it('answers 503 while a document that failed to load is all it has, and logs the problems once', async () => {
    const errors: unknown[] = []
    const original = console.error
    console.error = (...args: unknown[]) => errors.push(args)
    try {
      const engine = createEngine({ openapi: './no-such-openapi.yaml' }, { env: {} })
      await expect(engine.ready()).rejects.toBeInstanceOf(ConfigError)
      const outcome = await engine.handle(rawRequest({ target: '/anything' }))
      expect(outcome.kind === 'respond' && outcome.response.status).toBe(503)
      expect(outcome.kind === 'respond' && (await outcome.response.json()).code).toBe('gateway.unavailable')
      expect(errors).toHaveLength(1)
    } finally {
      console.error = original
    }
  })

  it('makes requests that arrive while the document loads wait for it', async () => {
    const engine = createEngine({ openapi: withPattern('^[A-Z]{3}$') }, { env: {} })
    const early = await engine.handle(rawRequest({ target: '/codes/ABC' }))
    expect(early.kind).toBe('continue')
    expect(early.ctx.operation?.template).toBe('/codes/{code}')
  })

  it('refuses a validation section without a document', () => {
    expect(() => createEngine({ validation: { mode: 'log' } }, { env: {} })).toThrowError(
      /validation: needs an openapi document/,
    )
  })
})
