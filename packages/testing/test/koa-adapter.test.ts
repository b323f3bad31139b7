import { gateway } from '@portcullis/koa'
import Koa from 'koa'
import mount from 'koa-mount'
import { describe, expect, it } from 'vitest'
import { listen, rawHttp, readsBodyStage } from '../src/index'

describe('@portcullis/koa', () => {
  it('puts a body the gateway parsed into ctx.request.body, with no body parser in the app', async () => {
    const app = new Koa()
    app.use(gateway({ stages: [readsBodyStage] }))
    app.use((ctx) => {
      ctx.body = { got: (ctx.request as { body?: unknown }).body, id: ctx.state.portcullis?.requestId }
    })
    const server = await listen(app.callback())
    try {
      const response = await rawHttp(server.url, {
        method: 'POST',
        target: '/bookings',
        headers: { 'content-type': 'application/json' },
        body: '{"room":"deluxe"}',
      })
      expect((response.json as { got: unknown }).got).toEqual({ room: 'deluxe' })
      expect((response.json as { id: string }).id).toBe(response.headers['x-request-id'])
    } finally {
      await server.close()
    }
  })

  it('mounted with koa-mount, redirects to the canonical path instead of rewriting it', async () => {
    const inner = new Koa()
    inner.use(gateway({}))
    inner.use((ctx) => {
      ctx.body = { path: ctx.path, original: ctx.originalUrl }
    })
    const app = new Koa()
    app.use(mount('/api', inner))
    const server = await listen(app.callback())
    try {
      expect((await rawHttp(server.url, { target: '/api/users/7' })).json).toEqual({
        path: '/users/7',
        original: '/api/users/7',
      })
      const dotted = await rawHttp(server.url, { target: '/api/x/../users/7' })
      expect(dotted.status).toBe(308)
      expect(dotted.headers.location).toBe('/api/users/7')
    } finally {
      await server.close()
    }
  })

  it('lets Koa upstream middleware see and change a gateway response', async () => {
    const app = new Koa()
    app.use(async (ctx, next) => {
      await next()
      ctx.set('x-outer', String(ctx.status))
    })
    app.use(gateway({}))
    const server = await listen(app.callback())
    try {
      const response = await rawHttp(server.url, { target: '/a%2Fb' })
      expect(response.status).toBe(400)
      expect(response.headers['x-outer']).toBe('400')
      expect(response.headers['content-type']).toBe('application/problem+json')
    } finally {
      await server.close()
    }
  })
})
