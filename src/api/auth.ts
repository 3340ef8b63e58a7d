/**
 * Bearer-token authentication. Tokens are resolved once at startup (env var, file or configured
 * sha256) and only their sha256 digests are kept; a presented token is hashed and compared with
 * crypto.timingSafeEqual against every configured digest (no early exit), so neither the token
 * nor which entry matched leaks through timing. Tokens never reach a log line or the journal:
 * callers are named by the token's configured name.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../errors.ts';
import { type ApiRole, type ApiTokenRef, ApiRole as Role } from './api-config.ts';

/** Shortest token accepted from env or file: shorter ones can be guessed. */
export const MIN_TOKEN_LENGTH = 16;

/** Who called: the configured token name and its role. */
export interface Caller {
  name: string;
  role: ApiRole;
}

interface KnownToken extends Caller {
  digest: Buffer;
}

/** The resolved tokens; holds digests only. */
export class TokenRegistry {
  readonly #tokens: KnownToken[];

  private constructor(tokens: KnownToken[]) {
    this.#tokens = tokens;
  }

  /** From already-known secrets (tests, library callers). */
  static fromSecrets(entries: Array<Caller & { token: string }>): TokenRegistry {
    return new TokenRegistry(entries.map((e) => ({ name: e.name, role: e.role, digest: sha256(e.token) })));
  }

  /** Resolves every configured token; a missing env var or file is a ConfigError naming the token. */
  static async resolve(
    refs: ApiTokenRef[],
    source: string,
    env: NodeJS.ProcessEnv = process.env,
  ): Promise<TokenRegistry> {
    const tokens: KnownToken[] = [];
    for (const [i, ref] of refs.entries()) {
      const where = `api.tokens[${i}] (${ref.name})`;
      let digest: Buffer;
      if (ref.sha256 !== undefined) {
        digest = Buffer.from(ref.sha256, 'hex');
      } else {
        let token: string | undefined;
        if (ref.tokenEnv !== undefined) {
          token = env[ref.tokenEnv];
          if (token === undefined || token === '')
            throw new ConfigError(
              source,
              `${where}.tokenEnv: environment variable ${ref.tokenEnv} is not set`,
            );
        } else {
          const file = ref.tokenFile as string;
          try {
            token = (await readFile(file, 'utf8')).split(/\r?\n/, 1)[0]?.trim();
          } catch (err) {
            throw new ConfigError(
              source,
              `${where}.tokenFile: cannot read ${file}: ${(err as Error).message}`,
              {
                cause: err,
              },
            );
          }
        }
        if (token === undefined || token.length < MIN_TOKEN_LENGTH) {
          throw new ConfigError(
            source,
            `${where}: the token must be at least ${MIN_TOKEN_LENGTH} characters (e.g. openssl rand -hex 32)`,
          );
        }
        digest = sha256(token);
      }
      tokens.push({ name: ref.name, role: ref.role, digest });
    }
    return new TokenRegistry(tokens);
  }

  /** The caller a presented token belongs to, or undefined. Constant time over the entries. */
  identify(token: string): Caller | undefined {
    const presented = sha256(token);
    let found: KnownToken | undefined;
    for (const t of this.#tokens) {
      // Every entry is compared, whatever matched before.
      if (timingSafeEqual(presented, t.digest) && found === undefined) found = t;
    }
    return found ? { name: found.name, role: found.role } : undefined;
  }

  get size(): number {
    return this.#tokens.length;
  }
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const m = /^Bearer[ ]+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(header);
  return m?.[1];
}

/** Whether a role may make a call that needs `needed`. */
export function allows(role: ApiRole, needed: ApiRole): boolean {
  return needed === Role.read || role === Role.operator;
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
