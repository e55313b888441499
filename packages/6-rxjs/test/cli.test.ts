import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { cliAt, closedPort, describeClientCli, poem, scratchDir } from '@slow-poetry/test-kit';
import { describe, expect, it } from 'vitest';

import { flakyServer } from './flaky-server.js';

const cliPath = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const { runCli } = cliAt(cliPath);
const scratch = (): string => scratchDir('slow-poetry-cli-');

// Every behaviour this CLI shares with stages 3 to 5 (the tutorial's lines, a
// failed task, timeouts, --out, --trace, bad input, Ctrl-C, | head) is one suite.
describeClientCli({ program: 'get-poetry-rxjs', cliPath });

describe('the get-poetry-rxjs CLI (its own option)', () => {
  it('with --retries, tries a failed task again from its first byte', async () => {
    const text = poem('science.txt');
    const flaky = await flakyServer(text);
    const { port } = flaky;
    const out = scratch();
    try {
      const run = await runCli(['--quiet', '--retries', '2', '--out', out, String(port)]);
      expect(run.code).toBe(0);
      expect(run.lines[0]).toBe('Task 1: trying again (1 of 2) after: connection reset by peer (ECONNRESET)');
      expect(run.lines).toContain(`Task 1: ${text.byteLength} bytes of poetry`);
      expect(readFileSync(join(out, 'task-1.txt')).equals(text)).toBe(true);
      expect(flaky.attempts()).toBe(2);

      const refused = await closedPort();
      const gaveUp = await runCli(['--quiet', '--retries', '1', String(refused)]);
      expect(gaveUp.code).toBe(1);
      expect(gaveUp.lines.slice(0, 2)).toEqual([
        'Task 1: trying again (1 of 1) after: connection refused (ECONNREFUSED)',
        `Task 1: failed to get poetry from 127.0.0.1:${refused}: connection refused (ECONNREFUSED)`,
      ]);

      for (const bad of ['-1', 'x', '']) {
        const run = await runCli([`--retries=${bad}`, String(port)]);
        expect(run.code, bad).toBe(2);
        expect(run.stderr).toMatch(/^get-poetry-rxjs: .*retries.*\n$/);
      }
    } finally {
      flaky.close();
    }
  });
});
