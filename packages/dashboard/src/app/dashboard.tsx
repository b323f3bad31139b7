import type { AnalyticsSnapshot, EndpointDiff } from '@portcullis/core'
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks'
import { AdminClient, AdminError, type EndpointRow, type Health, whenOn } from './admin-client'
import { EndpointsTable } from './components/endpoints-table'
import { QuotaLookup } from './components/quota-lookup'
import { SchemaDiff } from './components/schema-diff'
import { TrafficCharts } from './components/traffic-charts'

const refreshMs = 15_000

interface Data {
  readonly health: Health
  readonly endpoints: readonly EndpointRow[] | undefined
  readonly analytics: AnalyticsSnapshot | undefined
  readonly diff: EndpointDiff | undefined
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error))

/** The dashboard: what the gateway sees of the API, refreshed every 15 s. */
export function Dashboard({ token, onSignOut }: { token: string; onSignOut: (problem?: string) => void }) {
  const client = useMemo(() => new AdminClient(token), [token])
  const [data, setData] = useState<Data | undefined>(undefined)
  const [problem, setProblem] = useState<string | undefined>(undefined)
  const [updated, setUpdated] = useState<Date | undefined>(undefined)

  const fail = useCallback(
    (error: unknown) => {
      if (error instanceof AdminError && error.status === 401) onSignOut('The admin token was not accepted.')
      else setProblem(messageOf(error))
    },
    [onSignOut],
  )

  const load = useCallback(async () => {
    try {
      const health = await client.health()
      const { features } = health
      const [endpoints, analytics, diff] = await Promise.all([
        whenOn(features.discovery, client.endpoints),
        whenOn(features.analytics, client.analytics),
        whenOn(features.discovery && features.openapi, client.diff),
      ])
      setData({ health, endpoints, analytics, diff })
      setProblem(undefined)
      setUpdated(new Date())
    } catch (error) {
      fail(error)
    }
  }, [client, fail])

  useEffect(() => {
    load()
    const timer = setInterval(load, refreshMs)
    return () => clearInterval(timer)
  }, [load])

  const act = (action: () => Promise<unknown>) => async () => {
    try {
      await action()
      await load()
    } catch (error) {
      fail(error)
    }
  }
  const actions = {
    review: (endpoint: EndpointRow, state: EndpointRow['review']) => act(() => client.review(endpoint, state))(),
    applyLimit: (endpoint: EndpointRow, mode: 'report' | 'enforce') =>
      act(() => client.applyRecommendation(endpoint, mode))(),
    removeLimit: (endpoint: EndpointRow) => act(() => client.removeRule(endpoint.recommendation?.rule ?? ''))(),
  }

  return (
    <>
      <header class="top">
        <h1>Portcullis</h1>
        <nav aria-label="Sections">
          <a href="#endpoints-heading">Endpoints</a>
          <a href="#traffic-heading">Traffic</a>
          <a href="#diff-heading">Schema diff</a>
          <a href="#quotas-heading">Quotas</a>
        </nav>
        <div class="status">
          {data === undefined ? null : (
            <span class={`badge health-${data.health.status}`}>
              {data.health.status === 'ok' ? 'Healthy' : 'Degraded'} · store {data.health.store.kind}
              {data.health.store.reachable ? '' : ' (unreachable)'}
            </span>
          )}
          <button type="button" onClick={load}>
            Refresh
          </button>
          <button type="button" onClick={() => onSignOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main>
        <p class="updated" aria-live="polite">
          {updated === undefined ? 'Loading…' : `Updated ${updated.toLocaleTimeString()}`}
        </p>
        {problem === undefined ? null : (
          <p role="alert" class="problem">
            {problem}
          </p>
        )}
        {data === undefined ? null : (
          <>
            {data.endpoints === undefined ? (
              <section aria-labelledby="endpoints-heading">
                <h2 id="endpoints-heading">Endpoints</h2>
                <p class="empty">Endpoint discovery is off: add a discovery section to the config.</p>
              </section>
            ) : (
              <EndpointsTable endpoints={data.endpoints} actions={actions} />
            )}
            {data.analytics === undefined ? (
              <section aria-labelledby="traffic-heading">
                <h2 id="traffic-heading">Traffic</h2>
                <p class="empty">Analytics are off: set telemetry.analytics in the config.</p>
              </section>
            ) : (
              <TrafficCharts analytics={data.analytics} />
            )}
            <SchemaDiff diff={data.diff} />
            {data.health.features.quotas ? <QuotaLookup client={client} onError={fail} /> : null}
          </>
        )}
      </main>
    </>
  )
}
