/** Runs `firmwarden daemon` in a child process (the CLI entry does not register it yet). */
import { daemonCommand } from '../../../src/cli/daemon-command.ts';
import { defaultDeps } from '../../../src/deps.ts';

process.exitCode = await daemonCommand(process.argv.slice(2), defaultDeps(), process.stdout);
