/** bree job "inventory-scan": one run in this worker thread (src/daemon/jobs/inventory-scan.ts does the work). */
import { parentPort, workerData } from 'node:worker_threads';
import { exitCodeOf } from '../src/daemon/job-names.ts';
import { runJob } from '../src/daemon/run-job.ts';
import { cancelSignal, parseWorkerData, postToDaemon, workerDeps } from '../src/daemon/worker-protocol.ts';

const input = parseWorkerData(workerData, 'inventory-scan');
const result = await runJob('inventory-scan', input.config, workerDeps(input), {
  actor: input.actor,
  signal: cancelSignal(parentPort),
  onStart: (run) => postToDaemon(parentPort, { type: 'started', ...run }),
});
postToDaemon(parentPort, { type: 'result', result });
process.exit(exitCodeOf(result.outcome));
