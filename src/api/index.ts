export * from './api-config.ts';
export * from './api-errors.ts';
export {
  type ApiApp,
  type ApiAppOptions,
  type ApiRequest,
  type ApiResponse,
  createApiApp,
  type InjectOptions,
  type InjectResponse,
} from './app.ts';
export { bearerToken, type Caller, MIN_TOKEN_LENGTH, TokenRegistry } from './auth.ts';
export { complianceRows, csvField, EXPORT_COLUMNS, type ExportRow, toCsv } from './compliance-export.ts';
export type { ApiContext } from './context.ts';
export { dashboardView } from './dashboard-data.ts';
export { ApiMetrics, BMC_LATENCY_BUCKETS } from './metrics.ts';
export { MetricsRegistry, PROMETHEUS_CONTENT_TYPE } from './metrics-registry.ts';
export { jsonSchemaOf, openApiDocument } from './openapi.ts';
export { type ApiServer, type ListenOptions, startApiServer } from './server.ts';
