import type { ReviewState } from '@portcullis/core'
import { useState } from 'preact/hooks'
import type { EndpointRow } from '../admin-client'

export interface EndpointActions {
  review(endpoint: EndpointRow, state: ReviewState): Promise<void>
  applyLimit(endpoint: EndpointRow, mode: 'report' | 'enforce'): Promise<void>
  removeLimit(endpoint: EndpointRow): Promise<void>
}

const filters = ['all', 'new', 'saved', 'ignored'] as const
type Filter = (typeof filters)[number]

function StatusMix({ statuses, requests }: { statuses: EndpointRow['statuses']; requests: number }) {
  const share = (count: number | undefined) => (requests === 0 ? 0 : ((count ?? 0) / requests) * 100)
  const classes = ['2xx', '3xx', '4xx', '5xx'] as const
  const text = classes
    .filter((name) => (statuses[name] ?? 0) > 0)
    .map((name) => `${name} ${statuses[name]}`)
    .join(', ')
  return (
    <span class="mix">
      <span class="mix-bar" aria-hidden="true">
        {classes.map((name, index) => (
          <span key={name} class={`series-${index}`} style={{ width: `${share(statuses[name])}%` }} />
        ))}
      </span>
      <span class="mix-text">{text || '—'}</span>
    </span>
  )
}

function Recommendation({ endpoint, actions }: { endpoint: EndpointRow; actions: EndpointActions }) {
  const recommended = endpoint.recommendation
  if (recommended === undefined) return <span class="muted">not enough sessions yet</span>
  const label = `${endpoint.method} ${endpoint.template}`
  return (
    <span class="recommendation">
      <span>
        {recommended.threshold} per {recommended.window}
        {recommended.applied === undefined ? '' : ` (${recommended.applied === 'enforce' ? 'enforced' : 'reporting'})`}
      </span>
      {recommended.applied !== 'report' ? (
        <button
          type="button"
          aria-label={`Apply the limit on ${label} in report mode`}
          onClick={() => actions.applyLimit(endpoint, 'report')}
        >
          Report
        </button>
      ) : null}
      {recommended.applied !== 'enforce' ? (
        <button
          type="button"
          aria-label={`Enforce the limit on ${label}`}
          onClick={() => actions.applyLimit(endpoint, 'enforce')}
        >
          Enforce
        </button>
      ) : null}
      {recommended.applied !== undefined ? (
        <button
          type="button"
          aria-label={`Turn the limit on ${label} off`}
          onClick={() => actions.removeLimit(endpoint)}
        >
          Off
        </button>
      ) : null}
    </span>
  )
}

/** The discovered endpoints: traffic, status mix, latency, documentation, the recommended limit and the review. */
export function EndpointsTable({
  endpoints,
  actions,
}: {
  endpoints: readonly EndpointRow[]
  actions: EndpointActions
}) {
  const [filter, setFilter] = useState<Filter>('all')
  const shown = endpoints.filter((endpoint) => filter === 'all' || endpoint.review === filter)
  return (
    <section aria-labelledby="endpoints-heading">
      <h2 id="endpoints-heading">Endpoints</h2>
      <p class="hint">
        Learned from live traffic. <strong>Save</strong> what belongs to the API, <strong>ignore</strong> what does not;
        both are kept in the gateway's store.
      </p>
      <label class="filter">
        Show{' '}
        <select value={filter} onChange={(event) => setFilter((event.target as HTMLSelectElement).value as Filter)}>
          {filters.map((name) => (
            <option key={name} value={name}>
              {name === 'all' ? 'all endpoints' : `${name} ones`}
            </option>
          ))}
        </select>
      </label>
      {shown.length === 0 ? (
        <p class="empty">
          No endpoints {filter === 'all' ? 'seen yet: send the API some traffic' : `marked ${filter}`}.
        </p>
      ) : (
        <div class="table-scroll">
          <table class="endpoints">
            <caption class="visually-hidden">Discovered endpoints</caption>
            <thead>
              <tr>
                <th scope="col">Method</th>
                <th scope="col">Path template</th>
                <th scope="col" class="number">
                  Requests
                </th>
                <th scope="col">Status mix</th>
                <th scope="col" class="number">
                  p50 / p99 ms
                </th>
                <th scope="col">Documented</th>
                <th scope="col">Recommended limit</th>
                <th scope="col">Review</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((endpoint) => {
                const label = `${endpoint.method} ${endpoint.template}`
                return (
                  <tr key={label} data-endpoint={label} data-review={endpoint.review}>
                    <td>
                      <span class={`method method-${endpoint.method.toLowerCase()}`}>{endpoint.method}</span>
                    </td>
                    <td>
                      <code>{endpoint.template}</code>
                    </td>
                    <td class="number">{endpoint.requests}</td>
                    <td>
                      <StatusMix statuses={endpoint.statuses} requests={endpoint.requests} />
                    </td>
                    <td class="number">
                      {endpoint.latency.p50Ms.toFixed(1)} / {endpoint.latency.p99Ms.toFixed(1)}
                    </td>
                    <td>{endpoint.documented === undefined ? '—' : endpoint.documented ? 'yes' : 'no (shadow)'}</td>
                    <td>
                      <Recommendation endpoint={endpoint} actions={actions} />
                    </td>
                    <td class="review">
                      <span class={`badge review-${endpoint.review}`}>{endpoint.review}</span>
                      <button
                        type="button"
                        aria-pressed={endpoint.review === 'saved'}
                        aria-label={`Save ${label}`}
                        onClick={() => actions.review(endpoint, endpoint.review === 'saved' ? 'new' : 'saved')}
                      >
                        Save
                      </button>
                      <button
                        type="button"
                        aria-pressed={endpoint.review === 'ignored'}
                        aria-label={`Ignore ${label}`}
                        onClick={() => actions.review(endpoint, endpoint.review === 'ignored' ? 'new' : 'ignored')}
                      >
                        Ignore
                      </button>
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}
