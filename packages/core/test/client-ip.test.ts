import proxyaddr from 'proxy-addr'
import { describe, expect, it } from 'vitest'
import { compileProxyTrust, normalizeIpAddress, resolveClientAddress } from '../src/index'

const headers = (values: Record<string, string>) => new Headers(values)

describe('normalizeIpAddress', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['::ffff:127.0.0.1', '127.0.0.1'],
    ['::FFFF:7f00:1', '127.0.0.1'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['fe80::1%eth0', 'fe80::1'],
    ['::', '::'],
    ['::1', '::1'],
    ['1::', '1::'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeIpAddress(input)).toBe(expected)
  })

  it.each(['1.2.3', '01.2.3.4', '256.1.1.1', '1.2.3.4.5', 'abc', '', '1:2:3:4:5:6:7:8:9', '::1::', 'g::1'])(
    'refuses %j',
    (input) => {
      expect(normalizeIpAddress(input)).toBeUndefined()
    },
  )
})

describe('resolveClientAddress', () => {
  it('uses the socket address and ignores forwarding headers when nobody is trusted', () => {
    const trust = compileProxyTrust(undefined)
    const result = resolveClientAddress('::ffff:10.0.0.7', headers({ 'x-forwarded-for': '1.2.3.4' }), trust)
    expect(result).toEqual({ ip: '10.0.0.7', peerIp: '10.0.0.7', peerTrusted: false })
  })

  it('ignores X-Forwarded-For from an untrusted peer', () => {
    const trust = compileProxyTrust(['loopback'])
    const result = resolveClientAddress('203.0.113.9', headers({ 'x-forwarded-for': '1.2.3.4' }), trust)
    expect(result.ip).toBe('203.0.113.9')
    expect(result.peerTrusted).toBe(false)
  })

  it('walks X-Forwarded-For right to left through trusted proxies', () => {
    const trust = compileProxyTrust(['loopback', '10.0.0.0/8'])
    const xff = '6.6.6.6, 198.51.100.4, 10.1.1.1'
    expect(resolveClientAddress('127.0.0.1', headers({ 'x-forwarded-for': xff }), trust).ip).toBe('198.51.100.4')
  })

  it('normalises IPv4-mapped and bracketed, ported entries', () => {
    const trust = compileProxyTrust('loopback')
    const h = headers({ 'x-forwarded-for': '[2001:DB8::7]:4711' })
    expect(resolveClientAddress('::ffff:127.0.0.1', h, trust).ip).toBe('2001:db8::7')
    const v4 = headers({ 'x-forwarded-for': '::ffff:198.51.100.4' })
    expect(resolveClientAddress('::1', v4, trust).ip).toBe('198.51.100.4')
  })

  it('stops at the last trusted hop when an entry is not an address', () => {
    const trust = compileProxyTrust(['loopback', '10.0.0.0/8'])
    const h = headers({ 'x-forwarded-for': 'garbage, 10.0.0.2' })
    expect(resolveClientAddress('127.0.0.1', h, trust).ip).toBe('10.0.0.2')
  })

  it('counts hops when trustedProxies is a number', () => {
    const trust = compileProxyTrust(1)
    const h = headers({ 'x-forwarded-for': '6.6.6.6, 198.51.100.4' })
    expect(resolveClientAddress('203.0.113.1', h, trust).ip).toBe('198.51.100.4')
    expect(resolveClientAddress('203.0.113.1', h, compileProxyTrust(2)).ip).toBe('6.6.6.6')
    expect(resolveClientAddress('203.0.113.1', h, compileProxyTrust(0)).ip).toBe('203.0.113.1')
  })

  it('reads RFC 7239 Forwarded when configured to', () => {
    const trust = compileProxyTrust({ trust: ['loopback'], header: 'forwarded' })
    const h = headers({
      forwarded: 'for=6.6.6.6;proto=https, for="[2001:db8::9]:443";by=127.0.0.1',
      'x-forwarded-for': '9.9.9.9',
    })
    expect(resolveClientAddress('127.0.0.1', h, trust).ip).toBe('2001:db8::9')
  })

  it('stops at an obfuscated Forwarded identifier', () => {
    const trust = compileProxyTrust({ trust: ['loopback'], header: 'forwarded' })
    const h = headers({ forwarded: 'for=_hidden, for=127.0.0.2' })
    expect(resolveClientAddress('127.0.0.1', h, trust).ip).toBe('127.0.0.2')
  })

  it('has no client IP when the runtime gives no socket address', () => {
    const result = resolveClientAddress(undefined, headers({ 'x-forwarded-for': '1.2.3.4' }), compileProxyTrust(1))
    expect(result.ip).toBeUndefined()
  })

  it('agrees with proxy-addr on random chains', () => {
    const pool = [
      '127.0.0.1',
      '10.0.0.1',
      '10.200.3.4',
      '192.168.1.9',
      '172.16.5.5',
      '198.51.100.4',
      '203.0.113.8',
      '::1',
      'fc00::5',
      '2001:db8::1',
      '169.254.1.1',
      'fe80::3',
    ]
    const settings = [
      ['loopback'],
      ['loopback', 'uniquelocal'],
      ['10.0.0.0/8', '::1/128'],
      ['linklocal', '192.168.0.0/255.255.0.0'],
      ['127.0.0.1', 'fc00::/7'],
    ]
    let seed = 7
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed % n
    }
    for (let round = 0; round < 2000; round++) {
      const setting = settings[random(settings.length)] as string[]
      const peer = pool[random(pool.length)] as string
      const chain = Array.from({ length: random(4) }, () => pool[random(pool.length)] as string)
      const request = {
        socket: { remoteAddress: peer },
        headers: chain.length ? { 'x-forwarded-for': chain.join(', ') } : {},
      }
      const expected = normalizeIpAddress(proxyaddr(request as never, proxyaddr.compile(setting)))
      const h = headers(chain.length ? { 'x-forwarded-for': chain.join(', ') } : {})
      expect(resolveClientAddress(peer, h, compileProxyTrust(setting)).ip, `${setting} ${peer} ${chain}`).toBe(expected)
    }
  })
})
