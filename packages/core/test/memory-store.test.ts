import { describe, expect, it } from 'vitest'
import { MemoryStore } from '../src/index'

const frozenClock = () => {
  let now = 1_000_000
  return { now: () => now, advance: (ms: number) => (now += ms) }
}

describe('MemoryStore', () => {
  it('gets, sets and deletes', async () => {
    const store = new MemoryStore()
    expect(await store.get('a')).toBeUndefined()
    await store.set('a', '1')
    expect(await store.get('a')).toBe('1')
    await store.delete('a')
    await store.delete('missing')
    expect(await store.get('a')).toBeUndefined()
  })

  it('expires keys by the injected clock', async () => {
    const clock = frozenClock()
    const store = new MemoryStore({ clock })
    await store.set('k', 'v', 1000)
    clock.advance(999)
    expect(await store.get('k')).toBe('v')
    clock.advance(2)
    expect(await store.get('k')).toBeUndefined()
  })

  it('increments counters that keep their first expiry', async () => {
    const clock = frozenClock()
    const store = new MemoryStore({ clock })
    expect(await store.increment('c', 1, 60_000)).toEqual({ value: 1, ttlMs: 60_000 })
    clock.advance(20_000)
    expect(await store.increment('c', 2, 60_000)).toEqual({ value: 3, ttlMs: 40_000 })
    clock.advance(40_001)
    expect(await store.increment('c', 1, 60_000)).toEqual({ value: 1, ttlMs: 60_000 })
  })

  it('reads a counter as text, and counts on from a number that was set as text, keeping its expiry', async () => {
    const clock = frozenClock()
    const store = new MemoryStore({ clock })
    await store.increment('c', 5, 10_000)
    expect(await store.get('c')).toBe('5')
    expect(store.incrementNow('c', -2, 10_000)).toEqual({ value: 3, ttlMs: 10_000 })
    clock.advance(10_000)
    expect(await store.get('c')).toBeUndefined()
    await store.set('t', '41', 5_000)
    clock.advance(1_000)
    expect(await store.increment('t', 1, 60_000)).toEqual({ value: 42, ttlMs: 4_000 })
    clock.advance(4_000)
    expect(await store.get('t')).toBeUndefined()
  })

  it('refuses to increment a value that is not a counter', async () => {
    const store = new MemoryStore()
    await store.set('s', 'text')
    await expect(store.increment('s', 1, 1000)).rejects.toThrow(/does not hold a counter/)
  })

  it('stays bounded, evicting the least recently used keys', async () => {
    const store = new MemoryStore({ maxEntries: 3 })
    for (const key of ['a', 'b', 'c']) await store.set(key, key)
    await store.get('a')
    await store.set('d', 'd')
    expect(await store.get('b')).toBeUndefined()
    expect(await store.get('a')).toBe('a')
    expect(await store.get('d')).toBe('d')
  })
})
