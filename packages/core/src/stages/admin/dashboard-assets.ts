/** One file of the dashboard: its media type and content. */
export interface DashboardFile {
  readonly type: string
  readonly body: string
}

/**
 * The dashboard's files by name (`index.html`, and the assets it loads by relative URL, e.g.
 * `assets/app.js`). `@portcullis/dashboard` registers them when it is imported.
 */
export type DashboardAssets = Readonly<Record<string, DashboardFile>>

let registered: DashboardAssets | undefined

/** Registers the dashboard the admin route serves; `@portcullis/dashboard` calls it once, on import. */
export function registerDashboard(assets: DashboardAssets): void {
  if (typeof assets?.['index.html']?.body !== 'string') throw new TypeError('the dashboard needs an index.html')
  registered = assets
}

/** The registered dashboard, if a package registered one. */
export function registeredDashboard(): DashboardAssets | undefined {
  return registered
}
