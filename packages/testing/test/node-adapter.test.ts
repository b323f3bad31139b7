import type http from 'node:http'
import { gateway } from '@portcullis/node'
import { describe, expect, it } from 'vitest'
import { listen, rawHttp } from '../src/index'

describe('@portcullis/node', () => {
  it('answers 404 route.not_found when used as a listener with nothing behind it', async () => {
    const gw = gateway({})
    const server = await listen((req, res) => gw(req, res))
    try {
      const response = await rawHttp(server.url, { target: '/anything' })
      expect(response.status).toBe(404)
      expect((response.json as { code: string }).code).toBe('route.not_found')
    } finally {
      await server.close()
    }
  })

  it('works as a connect-style middleware that calls next', async () => {
    const gw = gateway({})
    const chain: http.RequestListener = (req, res) =>
      gw(req, res, () => {
        res.setHeader('content-type', 'text/plain')
        res.end(`ok ${req.url} ${req.portcullis?.requestId === res.getHeader('x-request-id')}`)
      })
    const server = await listen(chain)
    try {
      const response = await rawHttp(server.url, { target: '/a/./b' })
      expect(response.body).toBe('ok /a/b true')
    } finally {
      await server.close()
    }
  })
})
