import { describe, expect, it } from 'vitest'
import { canonicalizeTarget } from '../src/index'

const accept = (target: string) => {
  const result = canonicalizeTarget(target)
  if (!result.ok) throw new Error(`refused ${target}: ${result.rejection.code}`)
  return result.target
}
const refuse = (target: string) => {
  const result = canonicalizeTarget(target)
  if (result.ok) throw new Error(`accepted ${target} as ${result.target.path}`)
  return result.rejection
}

describe('canonicalizeTarget', () => {
  it.each([
    ['/', '/', ''],
    ['/hotels', '/hotels', ''],
    ['/hotels/', '/hotels/', ''],
    ['/a/./b', '/a/b', ''],
    ['/a/b/.', '/a/b/', ''],
    ['/a/../b', '/b', ''],
    ['/a/b/..', '/a/', ''],
    ['/../../etc/passwd', '/etc/passwd', ''],
    ['/a/%2e%2e/b', '/b', ''],
    ['/a/%2E/b', '/a/b', ''],
    ['/a/.%2e/b', '/b', ''],
    ['//a///b', '/a/b', ''],
    ['/a//', '/a/', ''],
    ['//', '/', ''],
    // RFC 3986 order (dots first, then merging), the way URL parsers and frameworks read it.
    ['/admin//../public/x', '/admin/public/x', ''],
    ['/a/%62', '/a/b', ''],
    ['/caf%C3%A9', '/café', ''],
    ['/discount/100%25', '/discount/100%', ''],
    ['/search?q=a/../b&x=%2F', '/search', 'q=a/../b&x=%2F'],
    ['/a?', '/a', ''],
  ])('%s → %s', (target, path, query) => {
    const canonical = accept(target)
    expect(canonical.path).toBe(path)
    expect(canonical.query).toBe(query)
  })

  it('re-encodes the canonical path for the wire, one segment at a time', () => {
    expect(accept('/caf%C3%A9/a%20b').encodedPath).toBe('/caf%C3%A9/a%20b')
    expect(accept('/a/%7Euser/x:y@z').encodedPath).toBe('/a/~user/x:y@z')
    expect(accept('/a/%3F%23').encodedPath).toBe('/a/%3F%23')
    expect(accept('/discount/100%25').encodedPath).toBe('/discount/100%25')
  })

  it('reads raw bytes above 0x7F (latin1 from Node) as UTF-8', () => {
    const latin1 = Buffer.from('/café', 'utf8').toString('latin1')
    expect(accept(latin1).path).toBe('/café')
  })

  it.each([
    ['http://169.254.169.254/latest', 'request.target_form'],
    ['https://evil.example/x', 'request.target_form'],
    ['evil.example:443', 'request.target_form'],
    ['*', 'request.target_form'],
    ['', 'request.target_form'],
    ['/a#frag', 'request.target_form'],
    ['/a/..%2Fadmin', 'request.path_encoded_separator'],
    ['/a%2fb', 'request.path_encoded_separator'],
    ['/a/..%5Cadmin', 'request.path_encoded_separator'],
    ['/a\\..\\admin', 'request.path_backslash'],
    ['/a%00b', 'request.path_control_character'],
    ['/a%0d%0aSet-Cookie:x', 'request.path_control_character'],
    ['/a%7Fb', 'request.path_control_character'],
    ['/a;jsessionid=1/admin', 'request.path_parameter'],
    ['/a%3Bb', 'request.path_parameter'],
    ['/a/%252e%252e/admin', 'request.path_double_encoding'],
    ['/a%252Fb', 'request.path_double_encoding'],
    ['/a%zz', 'request.path_invalid_encoding'],
    ['/a%', 'request.path_invalid_encoding'],
    ['/a%C3', 'request.path_invalid_encoding'],
    ['/a%FF', 'request.path_invalid_encoding'],
  ])('refuses %j with %s', (target, code) => {
    expect(refuse(target).code).toBe(code)
  })

  it('never echoes the input in a rejection detail', () => {
    const secret = 'sk_live_abcdef'
    expect(refuse(`/x/${secret}%2F..`).detail).not.toContain(secret)
  })

  it('is idempotent: the canonical form of a canonical path is itself', () => {
    const pieces = [
      'a',
      'b',
      '.',
      '..',
      '',
      '%2e',
      '%2E%2e',
      '%41',
      'caf%C3%A9',
      'x.json',
      '~u',
      'a%20b',
      "it's",
      '@x:y',
    ]
    let seed = 11
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed % n
    }
    for (let round = 0; round < 3000; round++) {
      const target = `/${Array.from({ length: 1 + random(6) }, () => pieces[random(pieces.length)]).join('/')}`
      const first = accept(target)
      const second = accept(first.encodedPath)
      expect(second.path, target).toBe(first.path)
      expect(second.encodedPath, target).toBe(first.encodedPath)
    }
  })
})
