/**
 * The trace file `firmwarden probe --record DIR` writes, one per server: every request and answer
 * of the probe, redacted (trace-redact.ts), in the order sent. A user attaches it to a bug report;
 * the replay server (replay-server.ts) answers from it so a report can be reproduced offline.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ConfigError } from '../errors.ts';

/** Bumped when the layout changes in a way older readers cannot follow. */
export const TRACE_VERSION = 1;

const HeadersSchema = z.record(z.string(), z.string());

/** One request and its answer. */
export const TraceExchangeSchema = z.object({
  method: z.enum(['GET', 'HEAD', 'POST', 'PATCH', 'PUT', 'DELETE']),
  /** Path and query as sent. */
  path: z.string().startsWith('/'),
  requestHeaders: HeadersSchema.default({}),
  requestBody: z.unknown().optional(),
  status: z.number().int().min(100).max(599),
  responseHeaders: HeadersSchema.default({}),
  /** Parsed JSON, or the text when the answer was not JSON; absent when empty. */
  responseBody: z.unknown().optional(),
});
export type TraceExchange = z.infer<typeof TraceExchangeSchema>;

export const TraceSchema = z.object({
  firmwardenTrace: z.literal(TRACE_VERSION),
  /** The server name (fleet file name or the BMC's host). */
  server: z.string(),
  recordedAt: z.string(),
  /** The BMC's TLS as the probe saw it (the replay itself is plain http on loopback). */
  tls: z
    .object({
      protocol: z.string(),
      cipher: z.string(),
      subject: z.string(),
      issuer: z.string(),
      validFrom: z.string(),
      validTo: z.string(),
      fingerprint256: z.string(),
      trust: z.string(),
    })
    .optional(),
  /** What was redacted, for the reader of a bug report. */
  redacted: z.array(z.string()).default([]),
  exchanges: z.array(TraceExchangeSchema),
});
export type Trace = z.infer<typeof TraceSchema>;

/** Reads and validates a trace file; errors name the file and the first bad field. */
export async function readTrace(path: string): Promise<Trace> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(path, `cannot read trace: ${(err as Error).message}`, { cause: err });
  }
  const parsed = TraceSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : '(root)';
    throw new ConfigError(path, `not a firmwarden trace at ${where}: ${issue?.message ?? 'invalid'}`, {
      cause: parsed.error,
    });
  }
  return parsed.data;
}

/** A file name for a server's trace: its name with anything unsafe in a path replaced. */
export function traceFileName(server: string): string {
  return `${server.replace(/[^A-Za-z0-9._-]+/g, '_')}.trace.json`;
}
