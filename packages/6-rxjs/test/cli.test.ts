import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { parseTrace } from '@slow-poetry/shared';
import { idealDuration, startScene, tutorialDelay, tutorialScene } from '@slow-poetry/slow-server';
import {
  cliAt,
  closedPort,
  describeClientCli,
  describeTaskGroupCli,
  durationPattern,
  poem,
  scratchDir,
} from '@slow-poetry/test-kit';
import { describe, expect, it } from 'vitest';

import { flakyServer } from './flaky-server.js';

const cliPath = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const { runCli } = cliAt(cliPath);
const scratch = (): string => scratchDir('slow-poetry-cli-');

// Every behaviour this CLI shares with stages 3 to 5 (the tutorial's lines, a
// failed task, timeouts, --out, --trace, bad input, Ctrl-C, | head) is one suite.
describeClientCli({ program: 'get-poetry-rxjs', cliPath });
// --fail-fast and --concurrency N, the same suite as in every stage that offers them.
describeTaskGroupCli({ program: 'get-poetry-rxjs', cliPath });

/** The time a run's summary line reports, in seconds. */
function summarySeconds(lines: string[]): number {
  const match = new RegExp(`^Got \\d+ poems? in (${durationPattern})`).exec(lines.at(-1) ?? '');
  if (match === null) throw new Error(`no summary line in: ${lines.join('\n')}`);
  const [h, m, s] = match[1]!.split(':').map(Number);
  return h! * 3600 + m! * 60 + s!;
}

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
      const gaveUp = await runCli(['--quiet', '--retries', '3', String(refused)]);
      expect(gaveUp.code).toBe(1);
      expect(gaveUp.lines.slice(0, 4)).toEqual([
        'Task 1: trying again (1 of 3) after: connection refused (ECONNREFUSED)',
        'Task 1: trying again (2 of 3) after: connection refused (ECONNREFUSED)',
        'Task 1: trying again (3 of 3) after: connection refused (ECONNREFUSED)',
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

  it('with --retries and --trace, traces a connection per attempt and the chunks of every attempt', async () => {
    const text = poem('science.txt');
    const flaky = await flakyServer(text, 'stall'); // the first connection: 100 bytes, then nothing
    const trace = join(scratch(), 'trace.jsonl');
    try {
      const run = await runCli(['--quiet', '--timeout', '0.3', '--retries', '1', '--trace', trace, String(flaky.port)]);
      expect(run.code).toBe(0);
      const events = parseTrace(readFileSync(trace, 'utf8'));
      expect(events.filter((event) => event.event === 'connected')).toHaveLength(2);
      const chunkBytes = events.reduce((sum, event) => sum + (event.event === 'chunk' ? event.bytes : 0), 0);
      expect(chunkBytes).toBe(100 + text.byteLength);
      expect(events.find((event) => event.event === 'done')).toMatchObject({ bytes: text.byteLength });
    } finally {
      flaky.close();
    }
  });
});

describe("the get-poetry-rxjs CLI against the tutorial's scene, with --concurrency and --fail-fast", () => {
  it('takes about the slowest download at once, about the sum one at a time, and stops at once with --fail-fast', async () => {
    const speed = 10;
    const scene = await startScene({ basePort: 0, speed });
    // --fail-fast runs against the scene at the tutorial's own pace, as in stage 5: a client that
    // did not cancel would take 9.2 s, and a tenth of that, the bound, leaves room for a loaded
    // machine (a run at one-tenth the pace would leave it 92 ms).
    const tutorialPace = await startScene({ basePort: 0 });
    try {
      const ports = scene.servers.map(({ server }) => String(server.port));
      const [slowest, second, third] = tutorialScene.map((entry) =>
        idealDuration(poem(entry.poem).byteLength, entry.numBytes, tutorialDelay / speed),
      ) as [number, number, number];
      const gone = [0, 0]; // connections that ended before their poem did, on each scene
      for (const [i, { servers }] of [scene, tutorialPace].entries()) {
        for (const { server } of servers) server.on('end', (_client, outcome) => (gone[i]! += outcome === 'gone' ? 1 : 0));
      }
      const refused = String(await closedPort());
      const slowPorts = tutorialPace.servers.map(({ server }) => String(server.port));
      const [all, two, one, failFast, noFailFast] = await Promise.all([
        runCli(['--quiet', ...ports]),
        runCli(['--quiet', '--concurrency', '2', ...ports]),
        runCli(['--quiet', '--concurrency', '1', ...ports]),
        runCli(['--quiet', '--fail-fast', ...slowPorts, refused]),
        runCli(['--quiet', ...ports, refused]),
      ]);
      for (const run of [all, two, one]) expect(run.lines.at(-1)).toMatch(/^Got 3 poems in /);
      const sum = slowest + second + third;
      // All at once: about the slowest, far from the sum.
      expect(summarySeconds(all.lines)).toBeGreaterThanOrEqual(slowest * 0.98);
      expect(summarySeconds(all.lines)).toBeLessThan(sum * 0.6);
      // Two at a time: task 3 starts when task 2 ends. A client that started it when task 1
      // ends would take slowest + third: the bound is halfway between (14.2 s at the tutorial's pace).
      expect(summarySeconds(two.lines)).toBeGreaterThanOrEqual((second + third) * 0.98);
      expect(summarySeconds(two.lines)).toBeLessThan((second + third + (slowest + third)) / 2);
      // One at a time: about the sum (at most half as much again), as stage 1 (but the event loop stays free).
      expect(summarySeconds(one.lines)).toBeGreaterThanOrEqual(sum * 0.98);
      expect(summarySeconds(one.lines)).toBeLessThanOrEqual(sum * 1.5);
      // --fail-fast: the refused task fails, the three others are cancelled (reported in task
      // order), long before any poem could arrive.
      expect(failFast.code).toBe(1);
      expect(failFast.lines.slice(0, 4)).toEqual([
        `Task 4: failed to get poetry from 127.0.0.1:${refused}: connection refused (ECONNREFUSED)`,
        ...slowPorts.map((port, i) =>
          expect.stringMatching(
            new RegExp(`^Task ${i + 1}: cancelled the download from 127\\.0\\.0\\.1:${port}( after \\d+ bytes)?: task 4 failed$`),
          ),
        ),
      ]);
      expect(failFast.lines.at(-1)).toMatch(/^Got 0 poems in .*; 1 task failed; 3 cancelled \(tasks 1, 2, 3\)$/);
      const slowestAtTutorialPace = slowest * speed;
      expect(summarySeconds(failFast.lines)).toBeLessThan(slowestAtTutorialPace / 10);
      expect(gone).toEqual([0, 3]); // the servers saw those three connections go away; every other one got its poem
      // Without --fail-fast, the same command waits for the three poems.
      expect(noFailFast.lines.at(-1)).toMatch(/^Got 3 poems in .*; 1 task failed$/);
      expect(summarySeconds(noFailFast.lines)).toBeGreaterThanOrEqual(slowest * 0.98);
    } finally {
      await Promise.all([scene.close(), tutorialPace.close()]);
    }
  });
});
