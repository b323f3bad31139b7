/** A {@link SessionSketch} as plain JSON: the sessions' fingerprints while few, then a HyperLogLog's registers. */
export type SessionSketchJSON = { exact: number[] } | { registers: string }

// Sessions are counted exactly, as 53-bit fingerprints, up to EXACT_SESSIONS; past that, as a
// HyperLogLog of 2^11 one-byte registers (2 KiB, standard error 1.04/√2048 ≈ 2.3 %). Built from the
// same fingerprints, the sketch is the same however the sessions were split across instances.
const EXACT_SESSIONS = 1_000
const REGISTER_BITS = 11
const REGISTERS = 1 << REGISTER_BITS
// A register holds the rank of the first set bit in the 42 bits left of a fingerprint, 1 to 43.
const MAX_RANK = 53 - REGISTER_BITS + 1
// Registers serialise as one character each, from '0': the largest rank, 43, is '['.
const REGISTER_BASE = 48

/** A 53-bit fingerprint of a string (cyrb53): the session key itself is never kept. */
function fingerprint(text: string): number {
  let h1 = 0xdeadbeef
  let h2 = 0x41c6ce57
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    h1 = Math.imul(h1 ^ code, 2654435761)
    h2 = Math.imul(h2 ^ code, 1597334677)
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909)
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909)
  return 4294967296 * (2097151 & h2) + (h1 >>> 0)
}

function addToRegisters(registers: Uint8Array, print: number): void {
  const index = print % REGISTERS
  const rest = Math.floor(print / REGISTERS) // 42 bits
  const high = Math.floor(rest / 4294967296)
  const zeros = high > 0 ? Math.clz32(high) - 22 : 10 + Math.clz32(rest >>> 0)
  registers[index] = Math.max(registers[index] ?? 0, zeros + 1)
}

function estimate(registers: Uint8Array): number {
  let sum = 0
  let empty = 0
  for (const rank of registers) {
    sum += 2 ** -rank
    if (rank === 0) empty++
  }
  const raw = ((0.7213 / (1 + 1.079 / REGISTERS)) * REGISTERS * REGISTERS) / sum
  // Linear counting is the better estimate while many registers are still empty.
  return Math.round(raw <= 2.5 * REGISTERS && empty > 0 ? REGISTERS * Math.log(REGISTERS / empty) : raw)
}

/** Counts distinct sessions by fingerprint: an exact set while few, then a mergeable HyperLogLog. */
export class SessionSketch {
  #sessions: Set<number> | Uint8Array = new Set()

  /** Distinct sessions: exact up to 1,000, then a HyperLogLog estimate (about 2.3 % off). */
  get size(): number {
    return this.#sessions instanceof Set ? this.#sessions.size : estimate(this.#sessions)
  }

  /** Counts one session by its (already hashed) key. */
  add(session: string): void {
    this.#addPrint(fingerprint(session))
  }

  /** The sketch as plain JSON. */
  toJSON(): SessionSketchJSON {
    const sessions = this.#sessions
    return sessions instanceof Set
      ? { exact: [...sessions] }
      : { registers: String.fromCharCode(...[...sessions].map((rank) => rank + REGISTER_BASE)) }
  }

  /** Adds a serialised sketch's sessions to these; throws a `TypeError` on a malformed one. */
  absorb(json: SessionSketchJSON): void {
    if (json !== undefined && 'registers' in json) {
      const text = json.registers
      if (typeof text !== 'string' || text.length !== REGISTERS) throw new TypeError('session registers are malformed')
      let registers = this.#sessions
      if (registers instanceof Set) {
        registers = new Uint8Array(REGISTERS)
        for (const each of this.#sessions as Set<number>) addToRegisters(registers, each)
        this.#sessions = registers
      }
      for (let index = 0; index < REGISTERS; index++) {
        const rank = text.charCodeAt(index) - REGISTER_BASE
        if (rank < 0 || rank > MAX_RANK) throw new TypeError('session registers are malformed')
        registers[index] = Math.max(registers[index] ?? 0, rank)
      }
      return
    }
    for (const print of json?.exact ?? []) {
      if (!Number.isSafeInteger(print) || print < 0) throw new TypeError('a session fingerprint is malformed')
      this.#addPrint(print)
    }
  }

  #addPrint(print: number): void {
    const sessions = this.#sessions
    if (!(sessions instanceof Set)) {
      addToRegisters(sessions, print)
      return
    }
    sessions.add(print)
    if (sessions.size <= EXACT_SESSIONS) return
    const registers = new Uint8Array(REGISTERS)
    for (const each of sessions) addToRegisters(registers, each)
    this.#sessions = registers
  }
}
