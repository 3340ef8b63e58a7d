/** bree job "catalog-watch": one run in this worker thread (src/daemon/jobs/catalog-watch.ts does the work). */
import { parentPort, workerData } from 'node:worker_threads';
import { exitCodeOf } from '../src/daemon/job-names.ts';
import { runJob } from '../src/daemon/run-job.ts';
import { cancelSignal, parseWorkerData, postToDaemon, workerDeps } from '../src/daemon/worker-protocol.ts';

const input = parseWorkerData(workerData, 'catalog-watch');
const result = await runJob('catalog-watch', input.config, workerDeps(input), {
  actor: input.actor,
  signal: cancelSignal(parentPort),
  onStart: (run) => postToDaemon(parentPort, { type: 'started', ...run }),
});
postToDaemon(parentPort, { type: 'result', result });
process.exit(exitCodeOf(result.outcome));
