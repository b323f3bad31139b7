import { describe, expect, it } from 'vitest'
import { compileRoutePattern, routePatternProblem } from '../src/matching/route-pattern'

describe('route patterns', () => {
  it.each([
    ['/hotels', 'GET', '/hotels', true],
    ['/hotels', 'GET', '/hotels/', true],
    ['/hotels/', 'GET', '/hotels', true],
    ['/hotels', 'GET', '/hotels/1', false],
    ['/hotels/*', 'GET', '/hotels/1', true],
    ['/hotels/*', 'GET', '/hotels', false],
    ['/hotels/*', 'GET', '/hotels/1/dates', false],
    ['/hotels/{id}/dates', 'GET', '/hotels/h1/dates', true],
    ['/hotels/**', 'GET', '/hotels', true],
    ['/hotels/**', 'GET', '/hotels/h1/prices/x', true],
    ['/hotels/**', 'GET', '/hotelsX', false],
    ['/**', 'GET', '/', true],
    ['/**', 'GET', '/anything/at/all', true],
    ['/', 'GET', '/', true],
    ['/', 'GET', '/a', false],
    ['/a/**/c', 'GET', '/a/c', true],
    ['/a/**/c', 'GET', '/a/b/b/c', true],
    ['/v1.0/a+b', 'GET', '/v1.0/a+b', true],
    ['/v1.0/a+b', 'GET', '/v1x0/aab', false],
    ['GET /hotels', 'GET', '/hotels', true],
    ['GET /hotels', 'get', '/hotels', true],
    ['GET /hotels', 'POST', '/hotels', false],
    ['GET,post /hotels', 'POST', '/hotels', true],
    ['/Admin', 'GET', '/admin', false],
  ])('%s with %s %s → %s', (pattern, method, path, expected) => {
    expect(compileRoutePattern(pattern).matches(method, path)).toBe(expected)
  })

  it.each([
    ['hotels', 'must be'],
    ['GET hotels', 'must be'],
    ['G-T /x', 'method list'],
    ['/a**', '"**"'],
    ['/a/{id', '{param}'],
    ['/a/x{id}', '{param}'],
  ])('refuses %j', (pattern, message) => {
    expect(routePatternProblem(pattern)).toContain(message)
  })
})
