import type http from 'node:http'
import { type GatewayConfig, hashApiKey, type Store } from '@portcullis/core'
import { gateway, type NodeGateway } from '@portcullis/node'
import { freePort, type Listening, listen, rawHttp } from '@portcullis/testing'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { prometheusMetrics } from '../src/index'

const key = 'pk_prometheus_3Jd8Ws1q'
const opened: (Listening | NodeGateway)[] = []
afterEach(async () => {
  for (const item of opened.splice(0).reverse()) await item.close()
})

/** A store that is down: every call fails, as a Redis that cannot be reached. */
const downStore: Store = {
  shared: true,
  get: () => Promise.reject(new Error('down')),
  set: () => Promise.reject(new Error('down')),
  delete: () => Promise.reject(new Error('down')),
  increment: () => Promise.reject(new Error('down')),
  slidingWindowHit: () => Promise.reject(new Error('down')),
  close: async () => {},
}

async function start(config: GatewayConfig) {
  const metrics = prometheusMetrics()
  const gw = gateway({ ...config, routes: [metrics.route()] })
  metrics.observe(gw.engine)
  opened.push(gw)
  const server = await listen(gw.wrap((_req: http.IncomingMessage, res: http.ServerResponse) => res.end('ok')))
  opened.push(server)
  return server.url
}

/** One sample's value from the text format, by name and exact label set. */
const sample = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

describe('@portcullis/prometheus', () => {
  it('serves request counts, durations and refusals by code on its own registry', async () => {
    const url = await start({
      auth: {
        apiKeys: { keys: [{ id: 'p', hash: await hashApiKey(key), consumer: 'acme' }] },
        routes: [{ match: 'GET /metrics', public: true }],
      },
    })
    await rawHttp(url, { target: '/orders/1', headers: { 'x-api-key': key } })
    await rawHttp(url, { target: '/orders/2', headers: { 'x-api-key': key } })
    await rawHttp(url, { target: '/orders/3' })
    await new Promise((resolve) => setTimeout(resolve, 20))
    const response = await rawHttp(url, { target: '/metrics' })
    expect(response.status).toBe(200)
    expect(response.headers['content-type']).toContain('text/plain')
    const text = response.body
    expect(sample(text, 'portcullis_requests_total{method="GET",route="",status="200"}')).toBe(2)
    expect(sample(text, 'portcullis_requests_total{method="GET",route="",status="401"}')).toBe(1)
    expect(sample(text, 'portcullis_request_duration_seconds_count{method="GET",route="",status="200"}')).toBe(2)
    expect(sample(text, 'portcullis_denied_total{code="auth.credentials_missing"}')).toBe(1)
    // Its own registry: none of prom-client's default process metrics.
    expect(text).not.toContain('process_cpu')
  })

  it('counts the requests a store outage let through, and the exporters’ queues and drops', async () => {
    const url = await start({
      store: downStore,
      rateLimits: [{ name: 'r', match: 'GET /orders/**', by: 'ip', limit: 10, window: '1m', onStoreError: 'open' }],
      telemetry: {
        otlp: { url: `http://127.0.0.1:${await freePort()}`, maxAttempts: 1, delay: '10ms', timeout: '200ms' },
      },
    })
    await rawHttp(url, { target: '/orders/1' })
    await rawHttp(url, { target: '/orders/2' })
    await vi.waitFor(async () => {
      const text = (await rawHttp(url, { target: '/metrics' })).body
      expect(
        sample(text, 'portcullis_limit_store_fallbacks_total{section="rateLimits",policy="open"}'),
      ).toBeGreaterThanOrEqual(2)
      expect(sample(text, 'portcullis_exporter_records{exporter="otlp",outcome="dropped"}')).toBeGreaterThanOrEqual(2)
      expect(sample(text, 'portcullis_exporter_queue_records{exporter="otlp"}')).toBeDefined()
    })
  })
})
