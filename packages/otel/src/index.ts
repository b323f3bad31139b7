export { type OtelOptions, otelStage } from './otel-stage'
