import { getRequestListener } from '@hono/node-server'
import { proceed, type Stage } from '@portcullis/core'
import { gateway } from '@portcullis/hono'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { readsBodyStage } from '../src/index'
import { listen } from '../src/listen'

describe('@portcullis/hono on a fetch runtime (no Node server)', () => {
  it('runs the pipeline through app.request()', async () => {
    const app = new Hono()
    app.use(gateway({}))
    app.get('/users/:id', (c) =>
      c.json({
        id: c.req.param('id'),
        requestId: c.get('portcullis').requestId,
        ip: c.get('portcullis').request.ip ?? null,
      }),
    )
    const ok = await app.request('/users/7', { headers: { 'x-request-id': 'fetch-1' } })
    expect(ok.status).toBe(200)
    expect(ok.headers.get('x-request-id')).toBe('fetch-1')
    expect(await ok.json()).toEqual({ id: '7', requestId: 'fetch-1', ip: null })
    const refused = await app.request('/users/..%2Fadmin')
    expect(refused.status).toBe(400)
    expect((await refused.json()).code).toBe('request.path_encoded_separator')
  })

  it('takes the connection from connectionInfo and the template from the router up front', async () => {
    const templates: (string | undefined)[] = []
    const seesTemplate: Stage = {
      name: 'sees-template',
      phase: 'route',
      run: (ctx) => {
        templates.push(ctx.request.routeTemplate)
        return proceed
      },
    }
    const app = new Hono()
    const gw = gateway(
      { trustedProxies: ['10.0.0.0/8'], stages: [seesTemplate] },
      { connectionInfo: () => ({ remoteAddress: '10.1.2.3' }) },
    )
    const completed: (string | undefined)[] = []
    gw.engine.events.on('request.responded', (event) => completed.push(event.routeTemplate))
    app.use(gw)
    app.get('/hotels/:id', (c) => c.json({ ip: c.get('portcullis').request.ip }))
    const response = await app.request('/hotels/9', { headers: { 'x-forwarded-for': '198.51.100.1' } })
    expect(await response.json()).toEqual({ ip: '198.51.100.1' })
    expect(templates).toEqual(['/hotels/:id'])
    expect(completed).toEqual(['/hotels/:id'])
  })

  it('hands a body it read to c.req and to c.req.raw', async () => {
    const app = new Hono()
    app.use(gateway({ stages: [readsBodyStage] }))
    app.post('/parsed', async (c) => c.json(await c.req.json()))
    app.post('/raw', async (c) => c.text(await c.req.raw.text()))
    const init = { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } }
    expect(await (await app.request('/parsed', init)).json()).toEqual({ a: 1 })
    expect(await (await app.request('/raw', init)).text()).toBe('{"a":1}')
  })
})

describe('@portcullis/hono on @hono/node-server', () => {
  it('leaves a body it read to the app every way: c.req, c.req.raw text, stream and clone', async () => {
    const app = new Hono()
    const gw = gateway({ stages: [readsBodyStage] })
    app.use(gw)
    app.post('/parsed', async (c) => c.json(await c.req.json()))
    app.post('/text', async (c) => c.text(await c.req.raw.text()))
    app.post('/stream', async (c) => c.text(await new Response(c.req.raw.body).text()))
    app.post('/clone', async (c) => c.text(`${await c.req.raw.clone().text()}|${await c.req.raw.text()}`))
    const server = await listen(getRequestListener(app.fetch))
    try {
      const base = server.url
      const body = JSON.stringify({ a: 1, text: 'é'.repeat(40_000) })
      const post = (path: string) =>
        fetch(`${base}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } })
      expect(await (await post('/parsed')).json()).toEqual(JSON.parse(body))
      expect(await (await post('/text')).text()).toBe(body)
      expect(await (await post('/stream')).text()).toBe(body)
      expect(await (await post('/clone')).text()).toBe(`${body}|${body}`)
    } finally {
      await server.close()
      await gw.close()
    }
  })
})
