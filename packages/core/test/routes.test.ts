import { describe, expect, it } from 'vitest'
import { ConfigError, compileRoutePattern, createEngine, type GatewayConfig, type RouteHandler } from '../src/index'
import { compilePathRewrite, encodeParameter } from '../src/stages/route/upstream-path'
import { rawRequest } from './raw-request'

const problemsOf = (config: unknown) => {
  try {
    createEngine(config as GatewayConfig, { env: {} })
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return (error as ConfigError).problems.map((problem) => `${problem.path}: ${problem.message}`)
  }
  throw new Error('the config was accepted')
}

const echoPath: RouteHandler = (request, { params, route }) =>
  Response.json(
    { url: new URL(request.url).pathname + new URL(request.url).search, params, route },
    { headers: { 'x-route': route } },
  )

describe('routes config', () => {
  it('names every problem with its path at start-up', () => {
    const problems = problemsOf({
      routes: {
        upstreams: {
          prices: { targets: [{ url: 'http://x.example/base', weight: 2 }, 'http://x.example/?a=1'] },
        },
        rules: [
          { match: '/a/**' },
          { match: '/b/**', upstream: 'http://x.example', handler: echoPath },
          { match: '/c/**', upstream: 'missing' },
          { match: '/d/{id}', upstream: 'prices', rewrite: '/e/{name}/{**}' },
          { match: '/f/**', upstream: 'prices', rewrite: '/g', stripPrefix: '/f' },
          { name: 'dup', match: '/h', upstream: 'prices', cache: true },
          { name: 'dup', match: '/i', upstream: 'prices', requestHeaders: { set: { 'bad name': 'x' } } },
          { match: '/j', upstream: { targets: ['http://x.example'], hostHeader: 'a b' } },
        ],
      },
    })
    expect(problems).toEqual([
      'routes.upstreams.prices.targets[1]: must not have a query or fragment: use query.add',
      'routes.rules[0]: needs an upstream or a handler',
      'routes.rules[1]: has both upstream and handler: give one',
      'routes.rules[2].upstream: names no upstream in routes.upstreams: "missing"',
      'routes.rules[3].rewrite: uses {name}, which the match does not have',
      'routes.rules[3].rewrite: uses {**}, which the match does not have',
      'routes.rules[4].rewrite: cannot be combined with stripPrefix or addPrefix: write the whole path',
      'routes.rules[5].cache: needs the cache section, e.g. cache: { maxEntries: 10000 }',
      'routes.rules[6].name: "dup" names another route too',
      'routes.rules[6].requestHeaders.set.bad name: is not a valid header name and value',
      'routes.rules[7].upstream.hostHeader: must be upstream, preserve or a host name',
    ])
  })

  it('refuses a cache section without routes, and schema errors in routes', () => {
    expect(problemsOf({ cache: {} })).toEqual([
      'cache: has no effect without routes: routes say which responses to cache',
    ])
    expect(
      problemsOf({ routes: [{ match: 'nope', upstream: 'http://x.example', timeouts: {} }] }).length,
    ).toBeGreaterThan(0)
  })
})

describe('route matching', () => {
  const engine = createEngine(
    {
      routes: [
        { name: 'api-host', match: '/shared/**', host: 'api.example.com', handler: echoPath },
        { name: 'wildcard-host', match: '/shared/**', host: '*.example.org', handler: echoPath },
        { name: 'first', match: 'GET /items/{id}', handler: echoPath },
        { name: 'second', match: '/items/**', handler: echoPath },
        { name: 'rewrite', match: '/v2/hotels/{id}/rooms/{room}', rewrite: '/hotels/{id}?/{room}', handler: echoPath },
      ],
    },
    { env: {} },
  )
  const routeOf = async (target: string, options: { method?: string; host?: string } = {}) => {
    const outcome = await engine.handle(
      rawRequest({ target, method: options.method, headers: { host: options.host ?? 'localhost' } }),
    )
    if (outcome.kind === 'continue') return 'app'
    return outcome.response.headers.get('x-route')
  }

  it('takes the first route that matches, in order', async () => {
    expect(await routeOf('/items/1')).toBe('first')
    expect(await routeOf('/items/1', { method: 'HEAD' })).toBe('first')
    expect(await routeOf('/items/1', { method: 'DELETE' })).toBe('second')
    expect(await routeOf('/items/1/parts')).toBe('second')
    expect(await routeOf('/elsewhere')).toBe('app')
  })

  it('matches hosts without their port, case-insensitively, and subdomains of a wildcard', async () => {
    expect(await routeOf('/shared/x', { host: 'API.example.com:8443' })).toBe('api-host')
    expect(await routeOf('/shared/x', { host: 'eu.example.org' })).toBe('wildcard-host')
    expect(await routeOf('/shared/x', { host: 'example.org' })).toBe('app')
    expect(await routeOf('/shared/x', { host: 'evil-api.example.com' })).toBe('app')
  })
})

describe('path rewrites', () => {
  it('encodes a parameter as one segment: no slash, dot segment or control character gets through', () => {
    expect(encodeParameter('a/b')).toBe('a%2Fb')
    expect(encodeParameter('..')).toBe('%2E%2E')
    expect(encodeParameter('.')).toBe('%2E')
    expect(encodeParameter('x\r\nSet-Cookie: a=1')).toBe('x%0D%0ASet-Cookie%3A%20a%3D1')
    expect(encodeParameter('café')).toBe('caf%C3%A9')
  })

  it('fills a template from the match, {**} with what ** matched', () => {
    const rewrite = (match: string, options: Parameters<typeof compilePathRewrite>[1], path: string) =>
      compilePathRewrite(compileRoutePattern(match), options)(path, path)
    expect(rewrite('/v2/hotels/{id}', { rewrite: '/hotels/{id}' }, '/v2/hotels/h 1')).toBe('/hotels/h%201')
    expect(rewrite('/old/**', { rewrite: '/new/{**}' }, '/old/a/b/c')).toBe('/new/a/b/c')
    expect(rewrite('/old/**', { rewrite: '/new/{**}' }, '/old')).toBe('/new')
    expect(rewrite('/api/v1/**', { stripPrefix: '/api/v1' }, '/api/v1/prices/1')).toBe('/prices/1')
    expect(rewrite('/api/v1/**', { stripPrefix: '/api/v1' }, '/api/v1')).toBe('/')
    expect(rewrite('/apix/**', { stripPrefix: '/api' }, '/apix/1')).toBe('/apix/1')
    expect(rewrite('/**', { stripPrefix: '/a', addPrefix: '/internal/' }, '/a/b')).toBe('/internal/b')
    expect(rewrite('/**', { addPrefix: '/internal' }, '/')).toBe('/internal')
  })
})

describe('request framing', () => {
  const engine = createEngine({}, { env: {} })
  const codeOf = async (headers: Record<string, string>) => {
    const outcome = await engine.handle(rawRequest({ method: 'POST', target: '/x', headers }))
    if (outcome.kind === 'continue') return 'passed'
    return ((await outcome.response.json()) as { code: string }).code
  }

  it('refuses the forms request smuggling uses, on every runtime', async () => {
    expect(await codeOf({ 'content-length': '5', 'transfer-encoding': 'chunked' })).toBe('request.ambiguous_framing')
    expect(await codeOf({ 'content-length': '5, 6' })).toBe('request.ambiguous_framing')
    expect(await codeOf({ 'content-length': '+5' })).toBe('request.ambiguous_framing')
    expect(await codeOf({ 'transfer-encoding': 'chunked, identity' })).toBe('request.ambiguous_framing')
    expect(await codeOf({ 'content-length': '5, 5' })).toBe('passed')
    expect(await codeOf({ 'transfer-encoding': 'gzip, chunked' })).toBe('passed')
  })
})
