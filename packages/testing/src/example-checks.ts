import { expect } from 'vitest'
import { rawHttp } from './raw-http'

/**
 * What every per-framework example app does behind the gateway (`examples/*-basic`): greets with the
 * request id and client IP, echoes a JSON body, refuses an ambiguous path and an oversized body.
 */
export async function expectExampleBehaviour(url: string): Promise<void> {
  const hello = await rawHttp(url, { target: '/hello/world', headers: { 'x-request-id': 'ex-1' } })
  expect(hello.json).toEqual({ hello: 'world', requestId: 'ex-1', ip: '127.0.0.1' })
  const echo = await rawHttp(url, {
    method: 'POST',
    target: '/echo',
    headers: { 'content-type': 'application/json' },
    body: '{"a":1}',
  })
  expect(echo.status).toBe(201)
  expect(echo.json).toEqual({ received: { a: 1 } })
  const refused = await rawHttp(url, { target: '/hello/..%2Fadmin' })
  expect(refused.status).toBe(400)
  expect(refused.headers['content-type']).toBe('application/problem+json')
  const tooBig = await rawHttp(url, { method: 'POST', target: '/echo', body: 'x'.repeat(70_000) })
  expect(tooBig.status).toBe(413)
}
