/**
 * Reads images back from a BMC through ImageDataURI (SoftwareInventory 1.13): the bytes stream
 * into a digest (or into the image store, which verifies them against the catalog) and are
 * never held whole. The Redfish client speaks JSON only, so this reader has its own connection
 * under the same TLS policy and its own session, logged out in close().
 */
import { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import { DigestAccumulator, type Digests } from '../catalog/digest-stream.ts';
import type { ImageStore } from '../catalog/image-store.ts';
import type { ExpectedImage, StoredImage } from '../catalog/index.ts';
import type { Deps } from '../deps.ts';
import type { RedfishClient, RedfishClientOptions } from '../redfish/client.ts';
import { type AuthState, login, logout } from '../redfish/session.ts';
import { tlsConnector } from '../redfish/tls.ts';
import { BackupError, BackupErrorCode } from './backup-errors.ts';

export const IMAGE_DATA_DEFAULTS = {
  /** No firmware image firmwarden manages is larger. */
  maxBytes: 512 * 1024 * 1024,
  timeoutMs: 120_000,
} as const;

export class ImageDataReader {
  readonly #client: RedfishClient;
  readonly #options: RedfishClientOptions;
  readonly #deps: Pick<Deps, 'logger'>;
  #agent: Agent | undefined;
  #auth: Promise<AuthState> | undefined;

  constructor(client: RedfishClient, options: RedfishClientOptions, deps: Pick<Deps, 'logger'>) {
    this.#client = client;
    this.#options = options;
    this.#deps = deps;
  }

  /** Digests of the image at `uri` (sha256, md5, size). */
  async digest(uri: string, maxBytes: number = IMAGE_DATA_DEFAULTS.maxBytes): Promise<Digests> {
    const acc = new DigestAccumulator();
    for await (const chunk of await this.#open(uri)) {
      acc.update(chunk as Buffer);
      if (acc.size > maxBytes) throw this.#error(uri, `more than ${maxBytes} bytes`);
    }
    return acc.digest();
  }

  /** Stores the image at `uri` in the image store; it enters only if it meets `expected`. */
  async store(uri: string, store: ImageStore, expected: ExpectedImage): Promise<StoredImage> {
    return store.put(await this.#open(uri), expected, `${this.#client.name} ${uri}`);
  }

  async #open(uri: string, retried = false): Promise<Readable> {
    const auth = await this.#login();
    const res = await request(new URL(uri, this.#client.transport.origin), {
      dispatcher: this.#dispatcher(),
      headers: { ...auth.headers, accept: 'application/octet-stream' },
      headersTimeout: IMAGE_DATA_DEFAULTS.timeoutMs,
      bodyTimeout: IMAGE_DATA_DEFAULTS.timeoutMs,
    });
    if (res.statusCode === 401 && !retried) {
      await res.body.dump();
      this.#auth = undefined;
      return this.#open(uri, true);
    }
    if (res.statusCode !== 200) {
      await res.body.dump();
      throw this.#error(uri, `HTTP ${res.statusCode}`);
    }
    return Readable.from(res.body);
  }

  #error(uri: string, why: string): BackupError {
    return new BackupError(
      BackupErrorCode.imageData,
      this.#client.name,
      `cannot read the image back from ${uri}: ${why}`,
    );
  }

  #login(): Promise<AuthState> {
    const creds = this.#options.credentials;
    if (creds === undefined) return Promise.resolve({ kind: 'basic', headers: {} });
    this.#auth ??= this.#client
      .root()
      .then((root) =>
        login(
          this.#client.transport,
          root.Links?.Sessions?.['@odata.id'] ?? '/redfish/v1/SessionService/Sessions',
          creds,
          this.#options.auth ?? 'auto',
          this.#deps.logger,
        ),
      );
    const current = this.#auth;
    current.catch(() => {
      if (this.#auth === current) this.#auth = undefined;
    });
    return current;
  }

  #dispatcher(): Agent {
    if (this.#agent === undefined) {
      const https = this.#client.transport.origin.startsWith('https:');
      this.#agent = new Agent({
        connections: 2,
        ...(https ? { connect: tlsConnector(this.#options.tls ?? {}, { timeout: 10_000 }) } : {}),
      });
    }
    return this.#agent;
  }

  /** Logs out and closes the connection. Never throws. */
  async close(): Promise<void> {
    const auth = await this.#auth?.catch(() => undefined);
    this.#auth = undefined;
    if (auth !== undefined) await logout(this.#client.transport, auth, this.#deps.logger);
    await this.#agent?.close().catch(() => undefined);
    this.#agent = undefined;
  }
}
