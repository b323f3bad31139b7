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
