import type { Store } from './store'

/** The options of a store written in the config as `{ <kind>: options }`, e.g. `{ redis: { url } }`. */
export type StoreOptions = Readonly<Record<string, unknown>>

/** Makes a store from its config options. */
export type StoreFactory = (options: StoreOptions) => Store

// On globalThis, so a store package loaded as CommonJS registers with a core loaded as ESM and back.
const registry = Symbol.for('portcullis.store-kinds')
const shared = globalThis as { [registry]?: Map<string, StoreFactory> }
shared[registry] ??= new Map()
const kinds = shared[registry]

/**
 * Lets the config name a store kind (`store: { redis: { url } }`). Store packages register
 * themselves when imported, so core need not depend on them.
 */
export function registerStoreKind(kind: string, factory: StoreFactory): void {
  kinds.set(kind, factory)
}

/** The factory of a registered store kind, if any. */
export function storeKind(kind: string): StoreFactory | undefined {
  return kinds.get(kind)
}
