import { describe, expect, it } from 'vitest'
import {
  createEngine,
  deny,
  type GatewayConfig,
  GatewayError,
  proceed,
  respond,
  type Stage,
  type StageDecisionEvent,
} from '../src/index'
import { rawRequest } from './raw-request'

const denyAll = (name: string, phase: Stage['phase'], mode?: Stage['mode']): Stage => ({
  name,
  phase,
  mode,
  run: () => deny(new GatewayError('route.not_found', { detail: 'denied by test' })),
})

const engineWith = (config: GatewayConfig) => createEngine(config, { env: {} })

describe('engine pipeline', () => {
  it('runs stages in phase order, whatever order they were given in', async () => {
    const order: string[] = []
    const track = (name: string, phase: Stage['phase']): Stage => ({
      name,
      phase,
      run: () => {
        order.push(name)
        return proceed
      },
    })
    const engine = engineWith({
      stages: [
        track('route', 'route'),
        track('auth', 'authenticate'),
        track('limit', 'limit'),
        track('mtls', 'connection'),
      ],
    })
    const outcome = await engine.handle(rawRequest({}))
    expect(outcome.kind).toBe('continue')
    expect(order).toEqual(['mtls', 'auth', 'limit', 'route'])
    expect(outcome.ctx.timings.map((t) => t.stage)).toEqual([
      'request-target',
      'body-framing',
      'mtls',
      'auth',
      'limit',
      'route',
    ])
  })

  it('stops at an enforced denial with a problem+json response', async () => {
    const later: string[] = []
    const engine = engineWith({
      stages: [
        denyAll('gate', 'authorize'),
        {
          name: 'after',
          phase: 'limit',
          run: () => {
            later.push('x')
            return proceed
          },
        },
      ],
    })
    const outcome = await engine.handle(rawRequest({ headers: { 'x-request-id': 'req-1' } }))
    if (outcome.kind !== 'respond') throw new Error('expected a response')
    expect(outcome.response.status).toBe(404)
    expect(outcome.response.headers.get('content-type')).toBe('application/problem+json')
    expect(outcome.response.headers.get('x-request-id')).toBe('req-1')
    expect(await outcome.response.json()).toEqual({
      type: 'https://portcullis.dev/errors#route.not_found',
      title: 'No handler for this request',
      status: 404,
      code: 'route.not_found',
      detail: 'denied by test',
      instance: 'req-1',
    })
    expect(later).toEqual([])
  })

  it('lets a report-mode denial pass and records it as not enforced', async () => {
    const engine = engineWith({ stages: [denyAll('dry-run', 'limit', 'report')] })
    const decisions: StageDecisionEvent[] = []
    engine.events.on('stage.decision', (event) => decisions.push(event))
    const outcome = await engine.handle(rawRequest({}))
    expect(outcome.kind).toBe('continue')
    const dryRun = decisions.find((d) => d.stage === 'dry-run')
    expect(dryRun).toMatchObject({ action: 'deny', enforced: false, phase: 'limit' })
    expect(dryRun?.error?.code).toBe('route.not_found')
    expect(dryRun?.durationMs).toBeGreaterThanOrEqual(0)
  })

  it('turns an unexpected throw into gateway.internal_error without leaking it', async () => {
    const engine = engineWith({
      stages: [
        {
          name: 'buggy',
          phase: 'validate',
          run: () => {
            throw new Error('db password is hunter2')
          },
        },
      ],
    })
    const causes: unknown[] = []
    engine.events.on('stage.decision', (event) => event.cause && causes.push(event.cause))
    const outcome = await engine.handle(rawRequest({}))
    if (outcome.kind !== 'respond') throw new Error('expected a response')
    expect(outcome.response.status).toBe(500)
    const text = await outcome.response.text()
    expect(text).not.toContain('hunter2')
    expect(text).not.toContain('at ')
    expect(JSON.parse(text).code).toBe('gateway.internal_error')
    expect((causes[0] as Error).message).toContain('hunter2')
  })

  it('counts a thrown GatewayError as a denial', async () => {
    const engine = engineWith({
      stages: [
        {
          name: 'body',
          phase: 'validate',
          run: async (ctx) => {
            await ctx.request.body.json()
            return proceed
          },
        },
      ],
    })
    const outcome = await engine.handle(rawRequest({ method: 'POST', body: '{"a":' }))
    if (outcome.kind !== 'respond') throw new Error('expected a response')
    expect(outcome.response.status).toBe(400)
    expect((await outcome.response.json()).code).toBe('request.invalid_json')
  })

  it('passes a stage response on, with the response headers added', async () => {
    const engine = engineWith({
      stages: [
        {
          name: 'headers',
          phase: 'limit',
          run: (ctx) => {
            ctx.responseHeaders.set('ratelimit', '"x";r=1')
            return proceed
          },
        },
        { name: 'handler', phase: 'route', run: () => respond(Response.json({ ok: true }, { status: 201 })) },
      ],
    })
    const outcome = await engine.handle(rawRequest({}))
    if (outcome.kind !== 'respond') throw new Error('expected a response')
    expect(outcome.response.status).toBe(201)
    expect(outcome.response.headers.get('ratelimit')).toBe('"x";r=1')
    expect(outcome.response.headers.get('x-request-id')).toBeTruthy()
  })

  it('emits received, each decision and responded, and completes once', async () => {
    const engine = engineWith({})
    const seen: string[] = []
    engine.events.on('request.received', () => seen.push('received'))
    engine.events.on('stage.decision', (e) => seen.push(`decision:${e.stage}`))
    engine.events.on('request.responded', (e) => seen.push(`responded:${e.status}:${e.answeredBy}:${e.routeTemplate}`))
    const outcome = await engine.handle(rawRequest({}))
    engine.complete(outcome.ctx, { status: 200, bytes: 2, routeTemplate: '/x/:id' })
    engine.complete(outcome.ctx, { status: 200, bytes: 2 })
    expect(seen).toEqual(['received', 'decision:request-target', 'decision:body-framing', 'responded:200:app:/x/:id'])
  })

  it('keeps serving when a listener throws', async () => {
    const engine = engineWith({})
    engine.events.on('request.received', () => {
      throw new Error('listener bug')
    })
    const original = console.error
    console.error = () => {}
    try {
      expect((await engine.handle(rawRequest({}))).kind).toBe('continue')
      expect(engine.events.listenerFailures).toBe(1)
    } finally {
      console.error = original
    }
  })

  it('hands the app the canonical target and the headers to strip', async () => {
    const engine = engineWith({ trustedProxies: ['10.0.0.0/8'] })
    const outcome = await engine.handle(
      rawRequest({ target: '/a/../b//c?x=%2F', headers: { 'x-forwarded-for': '1.2.3.4', 'x-real-ip': '1.2.3.4' } }),
    )
    if (outcome.kind !== 'continue') throw new Error('expected continue')
    expect(outcome.target).toBe('/b/c?x=%2F')
    expect(outcome.stripHeaders).toEqual(['x-forwarded-for', 'x-real-ip'])
    expect(outcome.ctx.request.ip).toBe('127.0.0.1')
  })
})

describe('request ids and trace context', () => {
  const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'

  it('adopts an acceptable incoming x-request-id', async () => {
    const { ctx } = await engineWith({}).handle(rawRequest({ headers: { 'x-request-id': 'abc-123' } }))
    expect(ctx.requestId).toBe('abc-123')
  })

  it('falls back to the traceparent trace id, then a new UUID', async () => {
    const engine = engineWith({})
    const traced = await engine.handle(rawRequest({ headers: { traceparent } }))
    expect(traced.ctx.requestId).toBe('4bf92f3577b34da6a3ce929d0e0e4736')
    expect(traced.ctx.trace).toEqual({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      parentId: '00f067aa0ba902b7',
      sampled: true,
    })
    const fresh = await engine.handle(
      rawRequest({ headers: { 'x-request-id': 'bad id with spaces', traceparent: 'garbage' } }),
    )
    expect(fresh.ctx.requestId).toMatch(/^[0-9a-f-]{36}$/)
    expect(fresh.ctx.trace.traceId).toMatch(/^[0-9a-f]{32}$/)
    expect(fresh.ctx.trace.parentId).toBeUndefined()
  })

  it.each([
    ['ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
    ['00-00000000000000000000000000000000-00f067aa0ba902b7-01'],
    ['00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01'],
    ['00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01'],
    ['00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra'],
  ])('ignores the malformed traceparent %s', async (value) => {
    const { ctx } = await engineWith({}).handle(rawRequest({ headers: { traceparent: value } }))
    expect(ctx.trace.parentId).toBeUndefined()
  })

  it('uses the configured header and can refuse incoming ids', async () => {
    const engine = engineWith({ request: { id: { header: 'X-Correlation-Id', trustIncoming: false } } })
    const outcome = await engine.handle(rawRequest({ headers: { 'x-correlation-id': 'abc', traceparent } }))
    if (outcome.kind !== 'continue') throw new Error('expected continue')
    expect(outcome.ctx.requestId).not.toBe('abc')
    expect(outcome.responseHeaders).toEqual([['x-correlation-id', outcome.ctx.requestId]])
  })

  it('reads time from the injected clock', async () => {
    const engine = engineWith({ clock: { now: () => 1_700_000_000_000 } })
    const { ctx } = await engine.handle(rawRequest({}))
    expect(ctx.receivedAt).toBe(1_700_000_000_000)
    expect(ctx.now()).toBe(1_700_000_000_000)
  })
})

describe('request body', () => {
  const readingStage: Stage = {
    name: 'reader',
    phase: 'validate',
    run: async (ctx) => {
      await ctx.request.body.json()
      return proceed
    },
  }

  it('refuses a declared length over the limit before reading', async () => {
    const engine = engineWith({ request: { maxBodyBytes: 10 } })
    const outcome = await engine.handle(rawRequest({ method: 'POST', body: 'x'.repeat(11) }))
    if (outcome.kind !== 'respond') throw new Error('expected a response')
    expect(outcome.response.status).toBe(413)
    expect(outcome.response.headers.get('connection')).toBe('close')
  })

  it('refuses JSON nested deeper than the limit', async () => {
    const engine = engineWith({ request: { maxJsonDepth: 3 }, stages: [readingStage] })
    const deep = await engine.handle(rawRequest({ method: 'POST', body: '{"a":[{"b":[1]}]}' }))
    expect(deep.kind === 'respond' && (await deep.response.json()).code).toBe('request.json_too_deep')
    const ok = await engine.handle(rawRequest({ method: 'POST', body: '{"a":"[[[[[[","b":[{"c":1}]}' }))
    expect(ok.kind).toBe('continue')
  })

  it('reads the body once and caches the parse', async () => {
    let reads = 0
    const raw = rawRequest({ method: 'POST', body: '{"a":1}' })
    const counted = {
      ...raw,
      body: {
        ...raw.body,
        read: (limit: number) => {
          reads++
          return raw.body.read(limit)
        },
      },
    }
    const engine = engineWith({ stages: [readingStage, { ...readingStage, name: 'again' }] })
    const outcome = await engine.handle(counted)
    expect(reads).toBe(1)
    expect(await outcome.ctx.request.body.json()).toEqual({ a: 1 })
    expect(outcome.ctx.request.body.consumed).toBe(true)
    expect(outcome.ctx.request.body.parsedJson).toBe(true)
  })
})
