/** A real pino logger (same redaction as production) writing into memory for assertions. */
import { Writable } from 'node:stream';
import type { Logger } from 'pino';
import { createLogger } from '../../src/log.ts';

export function captureLogger(level = 'trace'): { logger: Logger; lines: () => string } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  return { logger: createLogger({ level, destination: sink }), lines: () => chunks.join('') };
}
