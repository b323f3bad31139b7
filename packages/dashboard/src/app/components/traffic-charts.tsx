import type { AnalyticsSnapshot } from '@portcullis/core'
import { BarChart } from './bar-chart'

const time = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
const milliseconds = (ms: number) => (ms < 1 ? `${ms.toFixed(1)}` : ms < 1000 ? `${Math.round(ms)}` : `${ms / 1000}s`)

/** Requests per minute by status class, and how their latencies spread. */
export function TrafficCharts({ analytics }: { analytics: AnalyticsSnapshot }) {
  const { total } = analytics
  return (
    <section aria-labelledby="traffic-heading">
      <h2 id="traffic-heading">Traffic</h2>
      <dl class="totals">
        <div>
          <dt>Requests</dt>
          <dd>{total.requests}</dd>
        </div>
        <div>
          <dt>Server errors</dt>
          <dd>{(total.errorRate * 100).toFixed(1)} %</dd>
        </div>
        <div>
          <dt>Latency p50 / p90 / p99</dt>
          <dd>
            {total.latency.p50Ms.toFixed(1)} / {total.latency.p90Ms.toFixed(1)} / {total.latency.p99Ms.toFixed(1)} ms
          </dd>
        </div>
        <div>
          <dt>Since</dt>
          <dd>{new Date(analytics.since).toLocaleString()}</dd>
        </div>
      </dl>
      <div class="charts">
        <BarChart
          title="Requests per minute"
          unit="requests"
          series={['2xx', '3xx', '4xx', '5xx']}
          bars={analytics.series.map((minute) => ({
            label: time(minute.minute),
            parts: [
              minute.statuses['2xx'] + minute.statuses['1xx'],
              minute.statuses['3xx'],
              minute.statuses['4xx'],
              minute.statuses['5xx'],
            ],
          }))}
        />
        <BarChart
          title="Latency histogram (ms)"
          unit="requests"
          series={['requests']}
          bars={analytics.latencyHistogram.map((bar) => ({
            label: `≤${milliseconds(bar.upToMs)}`,
            parts: [bar.count],
          }))}
        />
      </div>
      {Object.keys(analytics.denials).length > 0 ? (
        <table class="compact">
          <caption>Refusals by error code</caption>
          <thead>
            <tr>
              <th scope="col">Code</th>
              <th scope="col">Requests</th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(analytics.denials).map(([code, count]) => (
              <tr key={code}>
                <td>
                  <code>{code}</code>
                </td>
                <td>{count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  )
}
