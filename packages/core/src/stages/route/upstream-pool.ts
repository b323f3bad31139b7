import type { Clock } from '../../engine/clock'
import type { UpstreamTransport } from './upstream-transport'

/** How an upstream spreads requests over its targets. */
export type BalanceStrategy = 'round-robin' | 'weighted' | 'least-busy'

/** One target of an upstream, with the state balancing and health keep about it. */
export interface UpstreamTarget {
  /** The origin requests go to, e.g. `http://127.0.0.1:4002`. */
  readonly origin: string
  /** The target URL's path, put before every forwarded path (`""` for none). */
  readonly basePath: string
  /** Host and port, for the `Host` header. */
  readonly host: string
  readonly weight: number
  readonly transport: UpstreamTransport
  /** Requests sent and not yet answered. */
  inFlight: number
  /** Failures in a row (refused, timed out, 502/503/504). */
  failures: number
  /** Until when (clock ms) passive health keeps the target out; 0 when it is in. */
  ejectedUntil: number
  /** What the active health checks last concluded (true without checks). */
  healthy: boolean
  /** For weighted round-robin: the target's running credit. */
  credit: number
}

/**
 * The URL of a path (and query) on a target: joined as text under the target's base path, then
 * checked, so nothing in the path can change the host the config named; `undefined` when it would.
 */
export function targetUrl(target: UpstreamTarget, pathAndQuery: string): URL | undefined {
  const url = new URL(`${target.origin}${target.basePath}${pathAndQuery}`)
  return url.origin === target.origin ? url : undefined
}

/** When passive health ejects a target, and for how long. */
export interface PassiveHealth {
  readonly failures: number
  readonly ejectForMs: number
}

/** The targets of one upstream: picks one per try and keeps their health. */
export class UpstreamPool {
  readonly name: string
  readonly targets: readonly UpstreamTarget[]
  readonly #balance: BalanceStrategy
  readonly #passive: PassiveHealth
  readonly #clock: Clock
  #turn = 0

  constructor(
    name: string,
    targets: readonly UpstreamTarget[],
    balance: BalanceStrategy,
    passive: PassiveHealth,
    clock: Clock,
  ) {
    this.name = name
    this.targets = targets
    this.#balance = balance
    this.#passive = passive
    this.#clock = clock
  }

  /** A target to try, skipping those already tried and those out of service; `undefined` when none is left. */
  pick(tried: ReadonlySet<UpstreamTarget>): UpstreamTarget | undefined {
    const now = this.#clock.now()
    const candidates = this.targets.filter(
      (target) => target.healthy && target.ejectedUntil <= now && !tried.has(target),
    )
    if (candidates.length <= 1) return candidates[0]
    const turn = this.#turn++
    if (this.#balance === 'round-robin') return candidates[turn % candidates.length]
    if (this.#balance === 'weighted') return smoothWeighted(candidates)
    // The least loaded, and among equals the next in turn, so traffic spreads evenly over idle targets.
    let lowest = Number.POSITIVE_INFINITY
    for (const target of candidates) lowest = Math.min(lowest, target.inFlight / target.weight)
    const idlest = candidates.filter((target) => target.inFlight / target.weight === lowest)
    const best = idlest[turn % idlest.length]
    return best
  }

  /** Milliseconds until an ejected target comes back, for `Retry-After`; 0 when none is ejected. */
  nextReturnMs(): number {
    const now = this.#clock.now()
    const returns = this.targets.filter((t) => t.ejectedUntil > now).map((t) => t.ejectedUntil - now)
    return returns.length === 0 ? 0 : Math.min(...returns)
  }

  /** Records an answer that counts as healthy. */
  succeeded(target: UpstreamTarget): void {
    target.failures = 0
    target.ejectedUntil = 0
  }

  /** Records a failure; enough in a row eject the target (again at once, after it comes back). */
  failed(target: UpstreamTarget): void {
    target.failures++
    if (target.failures >= this.#passive.failures) target.ejectedUntil = this.#clock.now() + this.#passive.ejectForMs
  }

  /** Closes every target's connections. */
  async close(): Promise<void> {
    await Promise.all(this.targets.map((target) => target.transport.close()))
  }
}

/** Smooth weighted round-robin (as nginx): every target gets its share, evenly interleaved. */
function smoothWeighted(candidates: readonly UpstreamTarget[]): UpstreamTarget {
  let total = 0
  let best = candidates[0] as UpstreamTarget
  for (const target of candidates) {
    target.credit += target.weight
    total += target.weight
    if (target.credit > best.credit) best = target
  }
  best.credit -= total
  return best
}
