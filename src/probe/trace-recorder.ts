/**
 * Records one server's exchanges for `firmwarden probe --record`: hooked into the Redfish client
 * as its `recorder`, redacting each exchange as it arrives (nothing secret is ever held for
 * writing), and writing the trace file once the client has logged out.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../deps.ts';
import type { ExchangeRecorder } from '../redfish/exchange.ts';
import type { TlsFacts } from './model.ts';
import { TRACE_VERSION, type Trace, type TraceExchange, traceFileName } from './trace.ts';
import { REDACTION_NOTE, TraceRedactor } from './trace-redact.ts';

export class TraceRecorder {
  readonly server: string;
  private readonly exchanges: TraceExchange[] = [];
  private readonly last = new Map<string, string>();
  /** The BMC's TLS, when the probe read it; written into the trace. */
  tls: TlsFacts | undefined;
  private readonly redactor: TraceRedactor;
  private readonly clock: Clock;

  constructor(server: string, credentials: { username: string; password: string } | undefined, clock: Clock) {
    this.server = server;
    this.redactor = new TraceRedactor(credentials);
    this.clock = clock;
  }

  /** The hook to pass as RedfishClientOptions.recorder. */
  readonly record: ExchangeRecorder = (ex) => {
    const redacted = this.redactor.exchange(ex);
    // A read repeated with the same answer adds nothing a replay needs (it repeats the last
    // answer of a path): kept once, so traces stay small.
    const key = `${redacted.method} ${redacted.path}`;
    const text = JSON.stringify(redacted);
    if (this.last.get(key) === text) return;
    this.last.set(key, text);
    this.exchanges.push(redacted);
  };

  /** Exchanges recorded so far. */
  get size(): number {
    return this.exchanges.length;
  }

  /** The trace as serialized text, after the final sweep for secret literals. */
  text(): string {
    const trace: Trace = {
      firmwardenTrace: TRACE_VERSION,
      server: this.server,
      recordedAt: new Date(this.clock.now()).toISOString(),
      ...(this.tls ? { tls: this.tls } : {}),
      redacted: REDACTION_NOTE,
      exchanges: this.exchanges,
    };
    return this.redactor.sweep(`${JSON.stringify(trace, null, 2)}\n`);
  }

  /** Writes DIR/<server>.trace.json and returns its path. */
  async write(dir: string): Promise<string> {
    await mkdir(dir, { recursive: true });
    const path = join(dir, traceFileName(this.server));
    await writeFile(path, this.text(), { mode: 0o600 });
    return path;
  }
}
