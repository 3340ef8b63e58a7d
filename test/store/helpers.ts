/** Store test helpers: a fresh store per test, temp files, and child processes on a shared file. */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { type FakeClock, fakeClock } from '../helpers/fake-clock.ts';

/** A migrated in-memory store on a fake clock. */
export async function memoryStore(
  clock: FakeClock = fakeClock(),
): Promise<{ store: SqliteStore; clock: FakeClock }> {
  return { store: await SqliteStore.open(':memory:', { clock }), clock };
}

/** A temp directory removed by the returned cleanup. */
export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'fw-store-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

const WORKER = fileURLToPath(new URL('./child/store-worker.ts', import.meta.url));

/** A child process running child/store-worker.ts on `file`: send a command, await its answer. */
export class Worker {
  readonly child: ChildProcessWithoutNullStreams;
  readonly #lines: Interface;
  readonly #queue: string[] = [];
  readonly #waiting: Array<(line: string) => void> = [];
  stderr = '';

  constructor(file: string) {
    this.child = spawn(process.execPath, ['--no-warnings', WORKER, file], { stdio: 'pipe' });
    this.child.stderr.on('data', (d) => {
      this.stderr += String(d);
    });
    this.#lines = createInterface({ input: this.child.stdout });
    this.#lines.on('line', (line) => {
      const waiter = this.#waiting.shift();
      if (waiter) waiter(line);
      else this.#queue.push(line);
    });
  }

  /** The next answer line, parsed; rejects if the child exits first. */
  next<T = Record<string, unknown>>(): Promise<T> {
    const queued = this.#queue.shift();
    if (queued !== undefined) return Promise.resolve(JSON.parse(queued) as T);
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) =>
        reject(new Error(`store worker exited (${code}) before answering: ${this.stderr}`));
      this.child.once('exit', onExit);
      this.#waiting.push((line) => {
        this.child.off('exit', onExit);
        resolve(JSON.parse(line) as T);
      });
    });
  }

  send(command: object): void {
    this.child.stdin.write(`${JSON.stringify(command)}\n`);
  }

  /** SIGKILL, and wait until the process is gone (its file locks released by the OS). */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const gone = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGKILL');
    await gone;
  }

  /** Ends stdin so the worker closes its store and exits. */
  async end(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const gone = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin.end();
    await gone;
  }
}

/** Starts `count` workers on `file` and waits until each has opened (and migrated) it. */
export async function startWorkers(file: string, count: number): Promise<Worker[]> {
  const workers = Array.from({ length: count }, () => new Worker(file));
  const ready = await Promise.all(workers.map((w) => w.next()));
  for (const [i, r] of ready.entries()) {
    if (!r['ready']) throw new Error(`worker ${i} failed to open ${file}: ${JSON.stringify(r)}`);
  }
  return workers;
}
