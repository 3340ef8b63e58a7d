/** The README's first command must keep working: the whole demo, end to end, ends OK. */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { demoCommand } from '../../src/cli/demo-command.ts';
import { defaultDeps } from '../../src/deps.ts';
import { captureLogger } from '../helpers/capture-logger.ts';

describe('firmwarden demo', () => {
  it('runs every stage on a simulated fleet and ends OK', async () => {
    const chunks: string[] = [];
    const out = new Writable({
      write(c, _e, cb) {
        chunks.push(String(c));
        cb();
      },
    });
    const code = await demoCommand(
      ['--count', '6'],
      defaultDeps({ logger: captureLogger('error').logger }),
      out,
    );
    const text = chunks.join('');
    for (const stage of [
      '1. simulate',
      '2. inventory',
      '3. catalog',
      '4. plan',
      '5. rolling update',
      '6. verification',
      '7. backup slice',
    ]) {
      expect(text).toContain(`== ${stage}`);
    }
    expect(text).toMatch(/rollout paused: .*sim-0006/);
    expect(text).toMatch(/CORRUPT: digest/);
    expect(text).toMatch(/restored \(slice\)/);
    expect(text, text.slice(-600)).toMatch(
      /== summary: OK .* 0 upgrades left, corruption detected and restored/,
    );
    expect(code).toBe(0);
  }, 120_000);
});
