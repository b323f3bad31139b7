import { gateway } from '@portcullis/express'
import express from 'express'
import { describe, expect, it } from 'vitest'
import { listen, rawHttp, readsBodyStage } from '../src/index'

describe('@portcullis/express', () => {
  it('puts a body the gateway parsed into req.body, with no body parser in the app', async () => {
    const app = express()
    app.use(gateway({ stages: [readsBodyStage] }))
    app.post('/bookings', (req, res) => res.json({ got: req.body }))
    const server = await listen(app)
    try {
      const response = await rawHttp(server.url, {
        method: 'POST',
        target: '/bookings',
        headers: { 'content-type': 'application/json' },
        body: '{"room":"deluxe"}',
      })
      expect(response.json).toEqual({ got: { room: 'deluxe' } })
    } finally {
      await server.close()
    }
  })

  it('reads a body an earlier parser already consumed from req.body', async () => {
    const app = express()
    app.use(express.json())
    app.use(gateway({ stages: [readsBodyStage] }))
    app.post('/bookings', (req, res) => res.json({ got: req.body, id: req.portcullis?.requestId }))
    const server = await listen(app)
    try {
      const response = await rawHttp(server.url, {
        method: 'POST',
        target: '/bookings',
        headers: { 'content-type': 'application/json' },
        body: '{"room":"suite"}',
      })
      expect(response.status).toBe(200)
      expect((response.json as { got: unknown }).got).toEqual({ room: 'suite' })
    } finally {
      await server.close()
    }
  })

  it('mounted below the root, redirects to the canonical path instead of rewriting it', async () => {
    const gw = gateway({})
    const responded: (string | undefined)[] = []
    gw.engine.events.on('request.responded', (event) => responded.push(event.routeTemplate))
    const app = express()
    const api = express.Router()
    api.get('/users/:id', (req, res) => res.json({ url: req.originalUrl }))
    app.use('/api', gw, api)
    const server = await listen(app)
    try {
      const canonical = await rawHttp(server.url, { target: '/api/users/7' })
      expect(canonical.json).toEqual({ url: '/api/users/7' })
      const dotted = await rawHttp(server.url, { target: '/api/x/../users/7' })
      expect(dotted.status).toBe(308)
      expect(dotted.headers.location).toBe('/api/users/7')
      expect(responded[0]).toBe('/api/users/:id')
    } finally {
      await server.close()
    }
  })

  it('refuses a config with problems before serving anything', () => {
    expect(() => gateway({ trustedProxies: ['not-an-ip'] })).toThrowError(/trustedProxies\[0\]/)
  })
})
