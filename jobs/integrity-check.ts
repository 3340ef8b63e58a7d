/** bree job "integrity-check": one run in this worker thread (src/daemon/jobs/integrity-check.ts does the work). */
import { parentPort, workerData } from 'node:worker_threads';
import { exitCodeOf } from '../src/daemon/job-names.ts';
import { runJob } from '../src/daemon/run-job.ts';
import { cancelSignal, parseWorkerData, postToDaemon, workerDeps } from '../src/daemon/worker-protocol.ts';

const input = parseWorkerData(workerData, 'integrity-check');
const result = await runJob('integrity-check', input.config, workerDeps(input), {
  actor: input.actor,
  signal: cancelSignal(parentPort),
  onStart: (run) => postToDaemon(parentPort, { type: 'started', ...run }),
});
postToDaemon(parentPort, { type: 'result', result });
process.exit(exitCodeOf(result.outcome));
