import { hashApiKey, type StageDecisionEvent } from '@portcullis/core'
import { SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import type { AdapterFixture, EchoBody } from '../adapters/fixture'
import { rawHttp } from '../raw-http'
import { useFixture } from './helpers'

/** An OpenAPI 3.0 description of the fixture app's routes. */
export const fixtureApi = {
  openapi: '3.0.3',
  info: { title: 'Fixture API', version: '1.0.0' },
  paths: {
    '/users/{id}': {
      get: {
        operationId: 'getUser',
        parameters: [
          { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100 } },
          {
            name: 'tags',
            in: 'query',
            style: 'form',
            explode: false,
            schema: { type: 'array', items: { type: 'string', maxLength: 10 }, maxItems: 3 },
          },
          {
            name: 'filter',
            in: 'query',
            style: 'deepObject',
            schema: { type: 'object', properties: { status: { type: 'string', enum: ['open', 'closed'] } } },
          },
          { name: 'x-trace', in: 'header', schema: { type: 'string', pattern: '^[a-f0-9]{8}$' } },
          { name: 'session', in: 'cookie', schema: { type: 'string', minLength: 3 } },
        ],
        responses: { '200': { description: 'ok' } },
      },
    },
    '/json': {
      post: {
        operationId: 'createThing',
        requestBody: {
          required: true,
          content: {
            'application/json': { schema: { $ref: '#/components/schemas/Thing' } },
            'application/x-www-form-urlencoded': { schema: { $ref: '#/components/schemas/Thing' } },
            'multipart/form-data': {
              schema: {
                type: 'object',
                required: ['name', 'avatar'],
                properties: { name: { type: 'string' }, avatar: { type: 'string', format: 'binary' } },
              },
            },
          },
        },
        responses: { '200': { description: 'ok' } },
      },
    },
    '/raw': {
      post: {
        operationId: 'postText',
        'x-portcullis': { validation: 'log' },
        requestBody: { content: { 'text/plain': { schema: { type: 'string', maxLength: 20 } } } },
        responses: { '200': { description: 'ok' } },
      },
    },
  },
  components: {
    schemas: {
      Thing: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'email'],
        properties: {
          name: { type: 'string', minLength: 1 },
          email: { type: 'string', format: 'email' },
          age: { type: 'integer', minimum: 0 },
          tags: { type: 'array', items: { type: 'string' }, maxItems: 2 },
          nested: { type: 'object', properties: { deep: { type: 'object' } } },
        },
      },
    },
  },
}

type Problem = { code?: string; errors?: { pointer: string; message: string }[] }
const json = { 'content-type': 'application/json' }
const pointers = (body: unknown) => ((body as Problem).errors ?? []).map((error) => error.pointer)

/** OpenAPI validation on every adapter: what passes untouched, what each location rejects, the modes. */
export function validationCases(adapter: AdapterFixture): void {
  describe('OpenAPI validation', () => {
    const app = useFixture(adapter, {
      openapi: fixtureApi,
      validation: { unknownEndpoints: 'block' },
      request: { maxBodyBytes: '8kb', maxJsonDepth: 10 },
    })

    it('lets valid requests through untouched, the body still reaching the app', async () => {
      const get = await rawHttp(app.url, {
        target: '/users/7?limit=10&tags=a,b&filter[status]=open',
        headers: { 'x-trace': '0123abcd', cookie: 'session=abcdef' },
      })
      expect(get.status).toBe(200)
      expect((get.json as EchoBody).url).toBe('/users/7?limit=10&tags=a,b&filter[status]=open')
      const post = await rawHttp(app.url, {
        method: 'POST',
        target: '/json',
        headers: json,
        body: '{"name":"Ada","email":"ada@example.com","age":36}',
      })
      expect(post.status).toBe(200)
      expect((post.json as EchoBody).body).toEqual({ name: 'Ada', email: 'ada@example.com', age: 36 })
    })

    it.each([
      ['/users/0', '/path/id'],
      ['/users/abc', '/path/id'],
      ['/users/7?limit=1000', '/query/limit'],
      ['/users/7?limit=ten', '/query/limit'],
      ['/users/7?tags=a,b,c,d', '/query/tags'],
      ['/users/7?tags=waytoolongtag', '/query/tags/0'],
      ['/users/7?filter[status]=maybe', '/query/filter/status'],
      ['/users/7?limit=%zz', '/query/limit'],
    ])('rejects %s at %s', async (target, pointer) => {
      const response = await rawHttp(app.url, { target })
      expect(response.status).toBe(400)
      expect((response.json as Problem).code).toBe('validation.request_invalid')
      expect(pointers(response.json)).toContain(pointer)
    })

    it('rejects a bad header and a bad cookie with their pointers', async () => {
      const response = await rawHttp(app.url, {
        target: '/users/7',
        headers: { 'x-trace': 'nope', cookie: 'session=ab' },
      })
      expect(response.status).toBe(400)
      expect(pointers(response.json).sort()).toEqual(['/cookie/session', '/header/x-trace'])
    })

    it('lists every violation in the body with its pointer', async () => {
      const response = await rawHttp(app.url, {
        method: 'POST',
        target: '/json',
        headers: json,
        body: '{"name":"","age":-1,"tags":["a","b","c"],"extra":true}',
      })
      expect(response.status).toBe(400)
      expect(pointers(response.json).sort()).toEqual([
        '/body/age',
        '/body/email',
        '/body/extra',
        '/body/name',
        '/body/tags',
      ])
      expect(response.body).not.toContain('"extra":true')
    })

    it('checks form and multipart bodies, with coercion', async () => {
      const form = { 'content-type': 'application/x-www-form-urlencoded' }
      const good = await rawHttp(app.url, {
        method: 'POST',
        target: '/json',
        headers: form,
        body: 'name=Ada&email=ada%40example.com&age=36',
      })
      expect(good.status).toBe(200)
      const bad = await rawHttp(app.url, {
        method: 'POST',
        target: '/json',
        headers: form,
        body: 'name=Ada&email=ada%40example.com&age=old',
      })
      expect(pointers(bad.json)).toEqual(['/body/age'])
      const boundary = 'xBOUNDARYx'
      const part = (name: string, value: string, file?: string) =>
        `--${boundary}\r\ncontent-disposition: form-data; name="${name}"${file === undefined ? '' : `; filename="${file}"`}\r\n\r\n${value}\r\n`
      const multipart = { 'content-type': `multipart/form-data; boundary=${boundary}` }
      const withFile = await rawHttp(app.url, {
        method: 'POST',
        target: '/json',
        headers: multipart,
        body: `${part('name', 'Ada')}${part('avatar', 'PNG...', 'a.png')}--${boundary}--\r\n`,
      })
      expect(withFile.status).toBe(200)
      const withoutFile = await rawHttp(app.url, {
        method: 'POST',
        target: '/json',
        headers: multipart,
        body: `${part('name', 'Ada')}--${boundary}--\r\n`,
      })
      expect(pointers(withoutFile.json)).toEqual(['/body/avatar'])
    })

    it('answers 415 to a media type the operation does not accept, and 400 to a missing required body', async () => {
      const xml = await rawHttp(app.url, {
        method: 'POST',
        target: '/json',
        headers: { 'content-type': 'application/xml' },
        body: '<a/>',
      })
      expect([xml.status, (xml.json as Problem).code]).toEqual([415, 'validation.unsupported_media_type'])
      const empty = await rawHttp(app.url, { method: 'POST', target: '/json', headers: json })
      expect(empty.status).toBe(400)
      expect(pointers(empty.json)).toEqual(['/body'])
    })

    it('refuses the attacks: prototype pollution, deep nesting, malformed JSON, oversized bodies', async () => {
      const proto = await rawHttp(app.url, {
        method: 'POST',
        target: '/json',
        headers: json,
        body: '{"name":"a","email":"a@b.co","__proto__":{"admin":true}}',
      })
      expect([proto.status, (proto.json as Problem).code]).toEqual([400, 'request.json_forbidden_key'])
      const ctor = await rawHttp(app.url, {
        method: 'POST',
        target: '/json',
        headers: json,
        body: '{"constructor":{"prototype":{"admin":true}}}',
      })
      expect((ctor.json as Problem).code).toBe('request.json_forbidden_key')
      const deep = await rawHttp(app.url, {
        method: 'POST',
        target: '/json',
        headers: json,
        body: `{"nested":{"deep":${'{"a":'.repeat(20)}1${'}'.repeat(20)}}}`,
      })
      expect((deep.json as Problem).code).toBe('request.json_too_deep')
      const malformed = await rawHttp(app.url, { method: 'POST', target: '/json', headers: json, body: '{"name": ' })
      expect([malformed.status, (malformed.json as Problem).code]).toEqual([400, 'request.invalid_json'])
      const huge = await rawHttp(app.url, {
        method: 'POST',
        target: '/json',
        headers: json,
        body: `{"name":"${'x'.repeat(10_000)}"}`,
      })
      expect(huge.status).toBe(413)
    })

    it('blocks unknown endpoints (404) and unknown methods (405 with Allow)', async () => {
      const unknown = await rawHttp(app.url, { target: '/shadow/api' })
      expect([unknown.status, (unknown.json as Problem).code]).toEqual([404, 'validation.unknown_endpoint'])
      const method = await rawHttp(app.url, { method: 'DELETE', target: '/json' })
      expect([method.status, (method.json as Problem).code]).toEqual([405, 'validation.method_not_allowed'])
      expect(method.headers.allow).toBe('POST')
    })

    it('lets an operation in log mode (x-portcullis) through, and reports it as an event', async () => {
      const decisions: StageDecisionEvent[] = []
      const off = app.engine.events.on('stage.decision', (event) => {
        if (event.action === 'deny') decisions.push(event)
      })
      const response = await rawHttp(app.url, {
        method: 'POST',
        target: '/raw',
        headers: { 'content-type': 'text/plain' },
        body: 'this text is longer than twenty',
      })
      off()
      expect(response.status).toBe(200)
      expect((response.json as EchoBody).body).toBe('this text is longer than twenty')
      expect(decisions).toHaveLength(1)
      expect(decisions[0]?.enforced).toBe(false)
      expect(decisions[0]?.error?.code).toBe('validation.request_invalid')
    })

    it('puts the matched operation on the context', async () => {
      const responded = new Promise<unknown>((resolve) => {
        const off = app.engine.events.on('request.responded', (event) => {
          off()
          resolve(event.ctx.operation)
        })
      })
      await rawHttp(app.url, { target: '/users/42' })
      expect(await responded).toEqual({
        id: 'getUser',
        method: 'GET',
        template: '/users/{id}',
        pathParams: { id: '42' },
      })
    })
  })

  describe('OpenAPI response validation (shadow)', () => {
    const echoSchema = {
      type: 'object',
      required: ['app', 'method', 'url'],
      properties: { app: { type: 'string' }, method: { type: 'string' }, url: { type: 'string' } },
    }
    const api = structuredClone(fixtureApi) as typeof fixtureApi & Record<string, never>
    const paths = api.paths as Record<string, Record<string, { responses: unknown }>>
    ;(paths['/users/{id}'] as Record<string, { responses: unknown }>).get = {
      ...(paths['/users/{id}']?.get as object),
      responses: { '200': { description: 'ok', content: { 'application/json': { schema: echoSchema } } } },
    }
    ;(paths['/json'] as Record<string, { responses: unknown }>).post = {
      ...(paths['/json']?.post as object),
      responses: {
        '200': {
          description: 'ok',
          content: { 'application/json': { schema: { ...echoSchema, required: ['created'] } } },
        },
      },
    }
    ;(paths['/raw'] as Record<string, { responses: unknown }>).post = {
      ...(paths['/raw']?.post as object),
      responses: { '201': { description: 'created' } },
    }
    const app = useFixture(adapter, { openapi: api, validation: { responses: 'log' } })

    const mismatches = async (send: () => Promise<unknown>) => {
      const seen: { status: number; pointers: string[] }[] = []
      const off = app.engine.events.on('validation.response_mismatch', (event) =>
        seen.push({ status: event.status, pointers: event.errors.map((error) => error.pointer) }),
      )
      await send()
      await new Promise((resolve) => setTimeout(resolve, 50))
      off()
      return seen
    }

    it('says nothing about a response that matches', async () => {
      expect(await mismatches(() => rawHttp(app.url, { target: '/users/7' }))).toEqual([])
    })

    it('reports a body that breaks its schema, and leaves the response as it was', async () => {
      let response: Awaited<ReturnType<typeof rawHttp>> | undefined
      const seen = await mismatches(async () => {
        response = await rawHttp(app.url, {
          method: 'POST',
          target: '/json',
          headers: json,
          body: '{"name":"Ada","email":"ada@example.com"}',
        })
      })
      expect(seen).toEqual([{ status: 200, pointers: ['/body/created'] }])
      if (!response) throw new Error('no response')
      expect(response.status).toBe(200)
      expect((response.json as EchoBody).body).toEqual({ name: 'Ada', email: 'ada@example.com' })
    })

    it('reports an undocumented status', async () => {
      const seen = await mismatches(() =>
        rawHttp(app.url, { method: 'POST', target: '/raw', headers: { 'content-type': 'text/plain' }, body: 'hi' }),
      )
      expect(seen).toEqual([{ status: 200, pointers: ['/status'] }])
    })
  })

  describe('OpenAPI security requirements', () => {
    const secret = 'conformance-hs256-secret-of-32-bytes!'
    const key = 'pk_document_security_1'
    const api = {
      ...structuredClone(fixtureApi),
      security: [{ partnerKey: [] }],
      components: {
        ...structuredClone(fixtureApi.components),
        securitySchemes: {
          partnerKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
          oauth: {
            type: 'oauth2',
            flows: {
              clientCredentials: { tokenUrl: 'https://idp.example/token', scopes: { 'things:write': 'write' } },
            },
          },
        },
      },
    } as Record<string, unknown>
    const paths = api.paths as Record<string, Record<string, Record<string, unknown>>>
    ;(paths['/users/{id}'] as Record<string, Record<string, unknown>>).get = {
      ...paths['/users/{id}']?.get,
      security: [],
    }
    ;(paths['/json'] as Record<string, Record<string, unknown>>).post = {
      ...paths['/json']?.post,
      security: [{ partnerKey: [] }, { oauth: ['things:write'] }],
    }
    const app = useFixture(adapter, async () => ({
      openapi: api,
      auth: {
        apiKeys: { keys: [{ id: 'k', hash: await hashApiKey(key), consumer: 'acme' }] },
        jwt: { secret, algorithms: ['HS256' as const], audience: 'things' },
      },
    }))
    const token = (scope: string) =>
      new SignJWT({ scope })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('app-1')
        .setAudience('things')
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode(secret))
    const body = '{"name":"Ada","email":"ada@example.com"}'

    it('lets anyone call an operation with security: []', async () => {
      expect((await rawHttp(app.url, { target: '/users/7' })).status).toBe(200)
    })

    it('asks for any of the documented schemes, and accepts each', async () => {
      const none = await rawHttp(app.url, { method: 'POST', target: '/json', headers: json, body })
      expect(none.status).toBe(401)
      expect(none.headers['www-authenticate']).toBe('ApiKey realm="api", Bearer realm="api"')
      const withKey = await rawHttp(app.url, {
        method: 'POST',
        target: '/json',
        headers: { ...json, 'x-api-key': key },
        body,
      })
      expect(withKey.status).toBe(200)
      const withToken = await rawHttp(app.url, {
        method: 'POST',
        target: '/json',
        headers: { ...json, authorization: `Bearer ${await token('things:write')}` },
        body,
      })
      expect([withToken.status, (withToken.json as EchoBody).principal?.consumer]).toEqual([200, 'app-1'])
    })

    it('requires the scopes the requirement lists', async () => {
      const response = await rawHttp(app.url, {
        method: 'POST',
        target: '/json',
        headers: { ...json, authorization: `Bearer ${await token('things:read')}` },
        body,
      })
      expect([response.status, (response.json as Problem).code]).toEqual([403, 'acl.insufficient_scope'])
      expect(response.headers['www-authenticate']).toBe(
        'Bearer realm="api", error="insufficient_scope", scope="things:write"',
      )
    })

    it('falls back to the document-wide requirement', async () => {
      const response = await rawHttp(app.url, {
        method: 'POST',
        target: '/raw',
        headers: { 'content-type': 'text/plain' },
        body: 'hi',
      })
      expect(response.status).toBe(401)
      expect(response.headers['www-authenticate']).toBe('ApiKey realm="api"')
    })
  })

  describe('OpenAPI validation modes', () => {
    const logged = useFixture(adapter, { openapi: fixtureApi, validation: { mode: 'log', unknownEndpoints: 'log' } })
    const killed = useFixture(adapter, {
      openapi: fixtureApi,
      validation: { enabled: false, unknownEndpoints: 'block' },
    })
    const perOperation = useFixture(adapter, {
      openapi: fixtureApi,
      validation: { operations: { getUser: 'off', 'POST /raw': 'block' } },
    })

    it('in log mode, lets invalid requests and unknown endpoints through', async () => {
      expect((await rawHttp(logged.url, { target: '/users/0' })).status).toBe(200)
      expect((await rawHttp(logged.url, { target: '/shadow/api' })).status).toBe(200)
    })

    it('with the kill switch, checks nothing', async () => {
      expect((await rawHttp(killed.url, { target: '/users/0' })).status).toBe(200)
      expect((await rawHttp(killed.url, { target: '/shadow/api' })).status).toBe(200)
    })

    it('lets the config override an operation, by operationId or by method and template', async () => {
      expect((await rawHttp(perOperation.url, { target: '/users/0' })).status).toBe(200)
      const raw = await rawHttp(perOperation.url, {
        method: 'POST',
        target: '/raw',
        headers: { 'content-type': 'text/plain' },
        body: 'this text is longer than twenty',
      })
      expect(raw.status).toBe(400)
    })
  })
}
