import { describe, expect, it } from 'vitest'
import { createEngine, type Outcome, type Stage } from '../src/index'
import { rawRequest } from './raw-request'

/** An engine whose one stage edits ctx.responseHeaders, then lets the request go on (or answers it). */
function engineWith(edit: Stage['run']) {
  return createEngine({ stages: [{ name: 'edit', phase: 'route', run: edit }] })
}

const headersOf = (outcome: Outcome) =>
  outcome.kind === 'continue' ? outcome.responseHeaders : [...outcome.response.headers.entries()]

describe('ctx.responseHeaders', () => {
  it('sets, appends (list fields joined, set-cookie kept apart), reads and deletes, case-insensitively', async () => {
    const seen: Record<string, unknown> = {}
    const engine = engineWith((ctx) => {
      const headers = ctx.responseHeaders
      headers.append('RateLimit', '"a";r=1;t=60')
      headers.append('ratelimit', ' "b";r=2;t=30 ')
      headers.set('Cache-Control', 'no-store')
      headers.append('set-cookie', 'a=1')
      headers.append('Set-Cookie', 'b=2')
      headers.set('x-gone', 'soon')
      headers.delete('X-Gone')
      seen.get = headers.get('RATELIMIT')
      seen.has = [headers.has('cache-control'), headers.has('x-gone')]
      seen.missing = headers.get('x-missing')
      return { action: 'continue' }
    })
    const outcome = await engine.handle(rawRequest({}))
    expect(seen).toEqual({ get: '"a";r=1;t=60, "b";r=2;t=30', has: [true, false], missing: null })
    expect(headersOf(outcome)).toEqual([
      ['x-request-id', outcome.ctx.requestId],
      ['ratelimit', '"a";r=1;t=60, "b";r=2;t=30'],
      ['cache-control', 'no-store'],
      ['set-cookie', 'a=1'],
      ['set-cookie', 'b=2'],
    ])
  })

  it('goes on a response the gateway answers too', async () => {
    const engine = engineWith((ctx) => {
      ctx.responseHeaders.set('x-stage', 'yes')
      return { action: 'respond', response: new Response('hi') }
    })
    const outcome = await engine.handle(rawRequest({}))
    expect(outcome.kind === 'respond' && outcome.response.headers.get('x-stage')).toBe('yes')
  })

  it.each([
    [
      'a name that is not a token',
      (ctx: Parameters<NonNullable<Stage['run']>>[0]) => ctx.responseHeaders.set('bad name', 'x'),
    ],
    [
      'a value with a line break',
      (ctx: Parameters<NonNullable<Stage['run']>>[0]) => ctx.responseHeaders.append('x-a', 'one\r\nx-injected: two'),
    ],
    ['a value with NUL', (ctx: Parameters<NonNullable<Stage['run']>>[0]) => ctx.responseHeaders.set('x-a', 'a\0b')],
  ])('refuses %s in the stage: a 500 problem, nothing injected', async (_name, edit) => {
    const engine = engineWith((ctx) => {
      edit(ctx)
      return { action: 'continue' }
    })
    const outcome = await engine.handle(rawRequest({}))
    expect(outcome.kind).toBe('respond')
    if (outcome.kind !== 'respond') return
    expect(outcome.response.status).toBe(500)
    expect(outcome.response.headers.get('x-injected')).toBeNull()
    expect((await outcome.response.json()).code).toBe('gateway.internal_error')
  })
})
