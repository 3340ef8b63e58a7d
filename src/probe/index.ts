export * from './model.ts';
export { DEFAULT_PROBE_CONCURRENCY, type FleetProbeOptions, probeFleet } from './probe-fleet.ts';
export { type ProbeOptions, probeServer } from './probe-server.ts';
export { type ReplayServer, startReplayServer } from './replay-server.ts';
export { readTrace, type Trace, type TraceExchange, TraceSchema, traceFileName } from './trace.ts';
export { TraceRecorder } from './trace-recorder.ts';
export { REDACTED, TraceRedactor } from './trace-redact.ts';
