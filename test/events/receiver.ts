/**
 * A webhook receiver for the events tests, as a user would write one: node:http on 127.0.0.1,
 * verifies the HMAC signature and timestamp with the shared secret (401 when they do not check
 * out), parses the CloudEvent, and deduplicates by id (at-least-once delivery means repeats).
 * `respond` scripts the answers (500s, 429 with Retry-After, a refusal) per request.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CloudEvent } from '../../src/events/cloudevents.ts';
import {
  SIGNATURE_HEADER,
  type SignatureCheck,
  TIMESTAMP_HEADER,
  verifySignature,
} from '../../src/events/signature.ts';

export interface Delivery {
  headers: IncomingHttpHeaders;
  body: string;
  check: SignatureCheck;
  status: number;
}

export interface Receiver {
  url: string;
  /** Every request, answered or not. */
  deliveries: Delivery[];
  /** Accepted events in arrival order, one per id. */
  events: CloudEvent[];
  /** Accepted deliveries whose id had been accepted before. */
  repeats: number;
  /** Requests refused because the signature did not check out. */
  rejected: Delivery[];
  close(): Promise<void>;
}

export interface ReceiverOptions {
  secret: string;
  /** The receiver's clock (ms): the sender's fake clock in tests. */
  now?: () => number;
  /** The answer to the n-th request (0-based), when the signature checked out. */
  respond?: (
    n: number,
    event: CloudEvent,
  ) => { status: number; headers?: Record<string, string> } | undefined;
}

export async function startReceiver(options: ReceiverOptions): Promise<Receiver> {
  const r: Receiver = {
    url: '',
    deliveries: [],
    events: [],
    repeats: 0,
    rejected: [],
    close: async () => {},
  };
  const seen = new Set<string>();
  let n = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const header = (name: string) => {
        const v = req.headers[name];
        return Array.isArray(v) ? v[0] : v;
      };
      const check = verifySignature({
        secret: options.secret,
        body,
        signature: header(SIGNATURE_HEADER),
        timestamp: header(TIMESTAMP_HEADER),
        nowSeconds: Math.floor((options.now ?? Date.now)() / 1000),
      });
      const delivery: Delivery = { headers: req.headers, body, check, status: 0 };
      r.deliveries.push(delivery);
      if (!check.ok) {
        r.rejected.push(delivery);
        delivery.status = 401;
        res.writeHead(401).end();
        return;
      }
      const event = JSON.parse(body) as CloudEvent;
      const answer = options.respond?.(n++, event) ?? { status: 204 };
      delivery.status = answer.status;
      if (answer.status >= 200 && answer.status < 300) {
        if (seen.has(event.id)) r.repeats++;
        else {
          seen.add(event.id);
          r.events.push(event);
        }
      }
      res.writeHead(answer.status, answer.headers).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/firmwarden`;
  r.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return r;
}
