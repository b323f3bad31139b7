import { describe, expect, it } from 'vitest'
import type { OpenApiOperation } from '../src/stages/validation/openapi-model'
import { OperationRouter } from '../src/stages/validation/operation-router'

const operation = (method: string, template: string): OpenApiOperation => ({
  method,
  template,
  operationId: `${method} ${template}`,
  parameters: [],
  requestBody: undefined,
  responses: {},
  security: undefined,
  extension: {},
  pointer: '#',
})

const router = new OperationRouter(
  [
    operation('GET', '/'),
    operation('GET', '/users'),
    operation('POST', '/users'),
    operation('GET', '/users/me'),
    operation('GET', '/users/{id}'),
    operation('DELETE', '/users/{userId}'),
    operation('GET', '/users/{id}/orders/{orderId}'),
    operation('GET', '/files/{name}.json'),
    operation('GET', '/files/{name}'),
    operation('GET', '/v{major}.{minor}/status'),
    operation('GET', '/Accounts/{AccountSid}/Calls/{Sid}.json'),
  ],
  ['', '/api'],
)

const matched = (method: string, path: string) => {
  const result = router.match(method, path)
  return result.kind === 'operation' ? [result.operation.operationId, result.pathParams] : result
}

describe('OperationRouter', () => {
  it.each([
    ['GET', '/', ['GET /', {}]],
    ['GET', '/users', ['GET /users', {}]],
    ['GET', '/users/', ['GET /users', {}]],
    ['POST', '/users', ['POST /users', {}]],
    ['GET', '/users/me', ['GET /users/me', {}]],
    ['GET', '/users/42', ['GET /users/{id}', { id: '42' }]],
    ['DELETE', '/users/42', ['DELETE /users/{userId}', { userId: '42' }]],
    ['GET', '/users/7/orders/x%2Fy', ['GET /users/{id}/orders/{orderId}', { id: '7', orderId: 'x%2Fy' }]],
    ['GET', '/files/report.json', ['GET /files/{name}.json', { name: 'report' }]],
    ['GET', '/files/report.csv', ['GET /files/{name}', { name: 'report.csv' }]],
    ['GET', '/v2.1/status', ['GET /v{major}.{minor}/status', { major: '2', minor: '1' }]],
    ['GET', '/api/users/me', ['GET /users/me', {}]],
    [
      'GET',
      '/Accounts/AC1/Calls/CA2.json',
      ['GET /Accounts/{AccountSid}/Calls/{Sid}.json', { AccountSid: 'AC1', Sid: 'CA2' }],
    ],
    ['HEAD', '/users/me', ['GET /users/me', {}]],
  ])('%s %s', (method, path, expected) => {
    expect(matched(method, path)).toEqual(expected)
  })

  it('prefers a concrete path, then falls back to a template for other methods', () => {
    expect(matched('DELETE', '/users/me')).toEqual(['DELETE /users/{userId}', { userId: 'me' }])
  })

  it('tells a wrong method from an unknown path', () => {
    expect(router.match('PUT', '/users')).toEqual({ kind: 'method-not-allowed', allowed: ['GET', 'POST'] })
    expect(router.match('GET', '/nope')).toEqual({ kind: 'none' })
    expect(router.match('GET', '/users/1/orders')).toEqual({ kind: 'none' })
    expect(router.match('GET', '/other/users')).toEqual({ kind: 'none' })
  })
})
