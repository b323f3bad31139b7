export { type PrometheusMetrics, prometheusMetrics } from './prometheus-metrics'
