import { describe, expect, it } from 'vitest'
import { OTHER, SequenceModel, START } from '../src/stages/discovery/sequence-model'
import { seededRandom } from './seeded-random'

const HOTELS = 'GET /hotels'
const HOTEL = 'GET /hotels/{var1}'
const DATES = 'GET /hotels/{var1}/dates'
const PRICES = 'GET /hotels/{var1}/prices'
const REVIEWS = 'GET /hotels/{var1}/reviews'
const BOOK = 'POST /bookings'
const BOOKING = 'GET /bookings/{var1}'
const CANCEL = 'DELETE /bookings/{var1}'
const LOGIN = 'POST /login'
const ME = 'GET /users/me'
const ALL = [HOTELS, HOTEL, DATES, PRICES, REVIEWS, BOOK, BOOKING, CANCEL, LOGIN, ME]
const END = ''

// How real users move through the booking API: mostly search → dates → prices → book, with detours and loops.
const NEXT: Record<string, readonly (readonly [string, number])[]> = {
  [START]: [
    [HOTELS, 0.7],
    [LOGIN, 0.3],
  ],
  [LOGIN]: [
    [HOTELS, 0.9],
    [ME, 0.1],
  ],
  [ME]: [
    [HOTELS, 0.6],
    [BOOKING, 0.4],
  ],
  [HOTELS]: [
    [DATES, 0.75],
    [HOTEL, 0.2],
    [END, 0.05],
  ],
  [HOTEL]: [
    [DATES, 0.6],
    [REVIEWS, 0.3],
    [HOTELS, 0.1],
  ],
  [REVIEWS]: [
    [DATES, 0.7],
    [HOTELS, 0.3],
  ],
  [DATES]: [
    [PRICES, 0.85],
    [HOTELS, 0.15],
  ],
  [PRICES]: [
    [BOOK, 0.6],
    [DATES, 0.2],
    [HOTELS, 0.1],
    [END, 0.1],
  ],
  [BOOK]: [
    [BOOKING, 0.5],
    [END, 0.5],
  ],
  [BOOKING]: [
    [END, 0.8],
    [CANCEL, 0.1],
    [HOTELS, 0.1],
  ],
  [CANCEL]: [[END, 1]],
}

const pick = <T>(rand: () => number, items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T

const STRAY = 0.03

function normalSession(rand: () => number): string[] {
  const calls: string[] = []
  let at = START
  while (calls.length < 30) {
    let r = rand()
    let next = END
    for (const [endpoint, p] of NEXT[at] ?? []) {
      r -= p
      if (r < 0) {
        next = endpoint
        break
      }
    }
    if (next === END) break
    // Real users also stray: a deep link, a refresh, a back button.
    if (rand() < STRAY) next = pick(rand, ALL)
    calls.push(next)
    at = next
  }
  return calls
}

// Three kinds of abuse: booking blind, enumerating bookings between random calls, scraping prices in an unseen order.
function abusiveSession(rand: () => number, kind: number): string[] {
  const length = 10 + Math.floor(rand() * 10)
  if (kind % 3 === 0) return Array.from({ length }, () => BOOK)
  if (kind % 3 === 1) return Array.from({ length }, (_, i) => (i % 2 === 0 ? BOOKING : pick(rand, ALL)))
  return Array.from({ length }, (_, i) => (i % 2 === 0 ? HOTEL : PRICES))
}

interface Traffic {
  readonly id: string
  readonly calls: readonly string[]
}

/** Plays sessions interleaved (up to 40 at once, 50 ms apart) and returns the ids that were ever flagged. */
function play(model: SequenceModel, traffic: readonly Traffic[], rand: () => number, start = 0): Set<string> {
  const flagged = new Set<string>()
  const waiting = [...traffic].reverse()
  const active: { id: string; calls: readonly string[]; next: number }[] = []
  let at = start
  while (waiting.length > 0 || active.length > 0) {
    while (active.length < 40 && waiting.length > 0) {
      const session = waiting.pop() as Traffic
      active.push({ ...session, next: 0 })
    }
    const index = Math.floor(rand() * active.length)
    const session = active[index] as (typeof active)[number]
    at += 50
    if (model.observe(session.id, session.calls[session.next] as string, at).flagged) flagged.add(session.id)
    if (++session.next >= session.calls.length) active.splice(index, 1)
  }
  return flagged
}

function normalTraffic(rand: () => number, count: number, prefix: string): Traffic[] {
  return Array.from({ length: count }, (_, i) => ({ id: `${prefix}${i}`, calls: normalSession(rand) })).filter(
    (session) => session.calls.length > 0,
  )
}

/** 2,000 normal sessions with 10 abusive ones mixed in after warm-up, then 1,000 held-out normal sessions. */
function trainedModel(seed: number) {
  const rand = seededRandom(seed)
  const model = new SequenceModel()
  const training = normalTraffic(rand, 2_000, 'n')
  for (let kind = 0; kind < 10; kind++) {
    const at = 400 + Math.floor(rand() * (training.length - 400))
    training.splice(at, 0, { id: `abuse${kind}`, calls: abusiveSession(rand, kind) })
  }
  const flaggedInTraining = play(model, training, rand)
  const heldOut = normalTraffic(rand, 1_000, 'h')
  const flaggedHeldOut = play(model, heldOut, rand, 10_000_000)
  return { model, training, flaggedInTraining, heldOut, flaggedHeldOut }
}

describe('sequence model: detection', () => {
  it('flags abusive sessions and few held-out normal ones', () => {
    const { model, training, flaggedInTraining, heldOut, flaggedHeldOut } = trainedModel(42)
    const abusers = training.filter((s) => s.id.startsWith('abuse')).map((s) => s.id)
    const caught = abusers.filter((id) => flaggedInTraining.has(id)).length
    const trainingNormals = training.length - abusers.length
    const trainingFalse = [...flaggedInTraining].filter((id) => !id.startsWith('abuse')).length
    const falseRate = flaggedHeldOut.size / heldOut.length
    console.log(
      `sequence-model: threshold ${model.threshold()?.toFixed(2)} bits; abusive flagged ${caught}/${abusers.length}; ` +
        `held-out false positives ${flaggedHeldOut.size}/${heldOut.length} (${(falseRate * 100).toFixed(2)}%); ` +
        `training false positives ${trainingFalse}/${trainingNormals}`,
    )
    expect(caught).toBeGreaterThanOrEqual(8)
    expect(falseRate).toBeLessThan(0.02)
  })

  it('holds across seeds', () => {
    const rows = [1, 2, 3, 4, 5].map((seed) => {
      const { flaggedInTraining, heldOut, flaggedHeldOut } = trainedModel(seed)
      const caught = [...flaggedInTraining].filter((id) => id.startsWith('abuse')).length
      return { seed, caught, falseRate: flaggedHeldOut.size / heldOut.length }
    })
    console.log(
      `sequence-model by seed: ${rows.map((r) => `#${r.seed} ${r.caught}/10, ${(r.falseRate * 100).toFixed(2)}%`).join('; ')}`,
    )
    for (const row of rows) {
      expect(row.caught).toBeGreaterThanOrEqual(8)
      expect(row.falseRate).toBeLessThan(0.02)
    }
  })

  it('names the improbable step of a flagged session', () => {
    const { model } = trainedModel(42)
    const blind = model.flaggedSessions().find((f) => f.session === 'abuse0')
    expect(blind?.step).toMatchObject({ to: BOOK })
    expect(blind?.step.from === START || blind?.step.from === BOOK).toBe(true)
    expect(blind?.score).toBeGreaterThan(model.threshold() ?? Number.POSITIVE_INFINITY)
    expect(model.flaggedSessions().length).toBeLessThanOrEqual(100)
  })

  it('learns a move once per session while it repeats, so a bot cannot teach its own pattern', () => {
    const model = new SequenceModel({ warmUp: 0 })
    for (let i = 0; i < 20; i++) model.observe('bot', BOOK, i)
    expect(model.snapshot().transitions).toContainEqual([BOOK, BOOK, 1])
    expect(model.topFlows(1, 3)[0]).toEqual({ flow: [BOOK, BOOK, BOOK], count: 18 })
  })

  it('scores nothing during warm-up', () => {
    const model = new SequenceModel({ warmUp: 50 })
    for (let i = 0; i < 50; i++) expect(model.observe(`s${i}`, BOOK, i)).toEqual({ surprise: 0, flagged: false })
    expect(model.observe('late', CANCEL, 100).surprise).toBeGreaterThan(0)
  })

  it('starts a session over after it idles longer than the gap', () => {
    const rand = seededRandom(7)
    const model = new SequenceModel({ warmUp: 0, sessionGapMs: 60_000 })
    play(model, normalTraffic(rand, 300, 'n'), rand)
    const t = 1e9
    model.observe('a', DATES, t)
    const continued = model.observe('a', PRICES, t + 60_000).surprise
    model.observe('b', DATES, t)
    const restarted = model.observe('b', PRICES, t + 60_001).surprise
    expect(continued).toBeLessThan(1)
    expect(restarted).toBeGreaterThan(continued + 3)
  })
})

describe('sequence model: flows', () => {
  it('ranks the main booking flow first', () => {
    const { model } = trainedModel(42)
    const [top3] = model.topFlows(5, 3)
    expect(top3?.flow).toEqual([HOTELS, DATES, PRICES])
    expect(model.topFlows(1, 4)[0]?.flow).toEqual([HOTELS, DATES, PRICES, BOOK])
    expect(model.topFlows(1)[0]?.count).toBeGreaterThan(model.topFlows(2)[1]?.count ?? 0)
    console.log(
      `sequence-model top flows: ${model
        .topFlows(3, 3)
        .map((f) => `${f.flow.join(' → ')} ×${f.count}`)
        .join('; ')}`,
    )
  })

  it('rejects flow lengths it does not count', () => {
    const model = new SequenceModel()
    expect(() => model.topFlows(3, 1)).toThrow(RangeError)
    expect(() => model.topFlows(3, 5)).toThrow(RangeError)
  })
})

describe('sequence model: bounds', () => {
  it('holds its bounds under 1,000,000 random sessions', () => {
    const rand = seededRandom(99)
    const model = new SequenceModel()
    // 1,200 endpoints: enough past maxEndpoints to need `(other)`, few enough to fill the transition cap.
    const endpoints = Array.from({ length: 1_200 }, (_, i) => `GET /r${i}/{var1}`)
    let at = 0
    for (let i = 0; i < 1_000_000; i++) {
      const calls = 1 + Math.floor(rand() * 3)
      for (let c = 0; c < calls; c++) model.observe(`s${i}`, pick(rand, endpoints), at++)
    }
    const stats = model.stats()
    console.log(`sequence-model after 1,000,000 random sessions: ${JSON.stringify(stats)}`)
    expect(stats.sessions).toBe(10_000)
    expect(stats.endpoints).toBe(1_000)
    expect(stats.transitionPairs).toBe(50_000)
    expect(stats.flowCounters).toBeLessThanOrEqual(3 * 1_000)
    expect(model.flaggedSessions().length).toBeLessThanOrEqual(100)
    const json = JSON.stringify(model.snapshot())
    console.log(`sequence-model snapshot after 1,000,000 random sessions: ${(json.length / 1e6).toFixed(1)} MB of JSON`)
    expect(json.length).toBeLessThan(5e6)
  }, 60_000)

  it('maps endpoints past maxEndpoints, and pairs past maxTransitions, to (other)', () => {
    const model = new SequenceModel({ maxEndpoints: 2, maxTransitions: 3, warmUp: 0 })
    for (const endpoint of [HOTELS, DATES, PRICES, BOOK]) model.observe('a', endpoint, 0)
    const snapshot = model.snapshot()
    expect(snapshot.endpoints).toEqual([HOTELS, DATES])
    expect(snapshot.transitions).toEqual([
      [OTHER, OTHER, 2],
      [START, HOTELS, 1],
      [HOTELS, DATES, 1],
    ])
    expect(model.stats().transitionPairs).toBe(3)
    expect(model.topFlows(1, 4)[0]?.flow).toEqual([HOTELS, DATES, OTHER, OTHER])
  })
})

describe('sequence model: merge', () => {
  it('adds the counts of several instances', () => {
    const rand = seededRandom(11)
    const [first, second] = [normalTraffic(rand, 300, 'a'), normalTraffic(rand, 300, 'b')]
    const [a, b, both] = [new SequenceModel(), new SequenceModel(), new SequenceModel()]
    play(a, first, seededRandom(1))
    play(b, second, seededRandom(2))
    play(both, first, seededRandom(1))
    play(both, second, seededRandom(2), 1e9)
    const countOf = (model: SequenceModel, flow: readonly string[]) =>
      model.topFlows(1_000, flow.length).find((f) => f.flow.join() === flow.join())?.count ?? 0
    const main = [HOTELS, DATES, PRICES]
    const [inA, inB] = [countOf(a, main), countOf(b, main)]
    a.merge(JSON.parse(JSON.stringify(b.snapshot())))
    expect(countOf(a, main)).toBe(inA + inB)
    const sorted = (t: readonly (readonly [string, string, number])[]) =>
      [...t].sort((x, y) => x.join().localeCompare(y.join()))
    expect(sorted(a.snapshot().transitions)).toEqual(sorted(both.snapshot().transitions))
    expect(a.topFlows(10, 3)).toEqual(both.topFlows(10, 3))
    expect(a.stats().observed).toBe(both.stats().observed)
  })

  it('rejects a snapshot of another version', () => {
    const model = new SequenceModel()
    expect(() => model.merge({ ...model.snapshot(), version: 2 } as never)).toThrow(TypeError)
  })
})
