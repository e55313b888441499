// The task-group suite: what --fail-fast and --concurrency do, the same in every
// stage that offers them, run against the stage's real CLI and real servers.
// How a stage does it is its own lesson (a counter, a limiter, an operator);
// what a user sees must not depend on it.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { parseTrace } from '@slow-poetry/shared';
import { afterEach, describe, expect, it as vitestIt } from 'vitest';

import type { ClientCliUnderTest } from './cli-suite.js';
import { cliAt, closeServers, connectedTasks, durationPattern as duration, poem, scratchDir, serve } from './helpers.js';

export function describeTaskGroupCli(client: ClientCliUnderTest, options: { expectFailure?: boolean } = {}): void {
  const it = options.expectFailure ? vitestIt.fails : vitestIt;
  const { runCli } = cliAt(client.cliPath);

  describe(`the ${client.program} CLI with --fail-fast and --concurrency`, () => {
    afterEach(closeServers);

    /** A download that fails after about 0.3 s (a reset 0.2 s after its first 30 bytes), beside two that take over a second. */
    async function oneFailsEarly(): Promise<{ failing: number; slow: Array<Awaited<ReturnType<typeof serve>>> }> {
      const failing = await serve({
        poem: poem('ecstasy.txt'),
        numBytes: 10,
        delay: 0.04,
        fault: { kind: 'reset', afterBytes: 30 },
      });
      const slow = await Promise.all([1, 2].map(() => serve({ poem: poem('science.txt'), numBytes: 10, delay: 0.02 })));
      return { failing: failing.port, slow };
    }

    it('cancels every other download at the first failure with --fail-fast: their sockets close, the summary names them, exit 1', async () => {
      const { failing, slow } = await oneFailsEarly();
      const ends = slow.map(
        (server) =>
          new Promise<[string, number]>((resolve) => server.once('end', (_c, outcome, sent) => resolve([outcome, sent]))),
      );
      const run = await runCli(['--quiet', '--fail-fast', String(failing), ...slow.map((s) => String(s.port))]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(1);
      expect(run.lines[0]).toMatch(
        new RegExp(
          `^Task 1: failed to get poetry from 127\\.0\\.0\\.1:${failing} after 30 bytes: connection reset by peer \\(ECONNRESET\\)`,
        ),
      );
      for (const task of [2, 3]) {
        expect(run.lines).toContainEqual(
          expect.stringMatching(
            new RegExp(`^Task ${task}: cancelled the download from 127\\.0\\.0\\.1:\\d+ after \\d+ bytes: task 1 failed$`),
          ),
        );
      }
      expect(run.lines.at(-1)).toMatch(new RegExp(`^Got 0 poems in ${duration}; 1 task failed; 2 cancelled \\(tasks 2, 3\\)$`));
      // The servers saw both connections go away long before their poems (666 bytes each) were sent.
      for (const [outcome, sent] of await Promise.all(ends)) {
        expect(outcome).toBe('gone');
        expect(sent).toBeLessThan(poem('science.txt').byteLength / 2);
      }
    });

    it('cancels the others with --fail-fast when a poem cannot be saved: a poem that was not saved is a failure', async () => {
      const quick = await serve({ poem: poem('science.txt'), numBytes: 1000, delay: 0.01 }); // the whole poem at once
      const slow = await Promise.all([1, 2].map(() => serve({ poem: poem('science.txt'), numBytes: 10, delay: 0.02 })));
      const out = scratchDir('slow-poetry-task-group-');
      mkdirSync(join(out, 'task-1.txt')); // a folder where task 1's poem goes: it cannot be saved
      const run = await runCli(['--quiet', '--fail-fast', '--out', out, String(quick.port), ...slow.map((s) => String(s.port))]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(1);
      expect(run.lines[0]).toMatch(
        /^Task 1: failed to get poetry from .*: poem not saved \(ESAVE\): cannot save .*task-1\.txt: /,
      );
      for (const task of [2, 3]) {
        expect(run.lines).toContainEqual(
          expect.stringMatching(
            new RegExp(`^Task ${task}: cancelled the download from [^ ]+( after \\d+ bytes)?: task 1 failed$`),
          ),
        );
      }
      expect(run.lines.at(-1)).toMatch(new RegExp(`^Got 0 poems in ${duration}; 1 task failed; 2 cancelled \\(tasks 2, 3\\)$`));
    });

    it('lets the others finish without --fail-fast: one failure is one failed task', async () => {
      const { failing, slow } = await oneFailsEarly();
      const run = await runCli(['--quiet', String(failing), ...slow.map((s) => String(s.port))]);
      expect(run.code).toBe(1);
      expect(run.lines.at(-1)).toMatch(new RegExp(`^Got 2 poems in ${duration}; 1 task failed$`));
    });

    it('runs at most N downloads at a time with --concurrency N, starting them in order, every poem whole', async () => {
      // Task 2 is slow and holds one of the two places all along; tasks 1, 3, 4 and 5 are
      // quick and take the other place one after another, so the order they start in shows.
      const quick = await serve({ poem: poem('science.txt'), numBytes: 100, delay: 0.02 }); // 7 chunks: about 0.12 s
      const slow = await serve({ poem: poem('science.txt'), numBytes: 100, delay: 0.3 }); // about 1.8 s
      let open = 0;
      let most = 0;
      for (const server of [quick, slow]) {
        server.on('client', () => (most = Math.max(most, ++open)));
        server.on('end', () => open--);
      }
      const out = scratchDir('slow-poetry-task-group-');
      const trace = join(out, 'trace.jsonl');
      const run = await runCli([
        '--quiet',
        '--concurrency',
        '2',
        '--trace',
        trace,
        ...[quick, slow, quick, quick, quick].map((server) => String(server.port)),
      ]);
      expect(run.code).toBe(0);
      expect(run.lines.at(-1)).toMatch(new RegExp(`^Got 5 poems in ${duration}$`));
      expect(most).toBe(2);
      const events = parseTrace(readFileSync(trace, 'utf8'));
      const connected = connectedTasks(events);
      expect(connected.slice(0, 2).sort()).toEqual([1, 2]); // the first two start at once…
      expect(connected.slice(2)).toEqual([3, 4, 5]); // …and the others wait their turn, in order
      // Never more than two tasks between their connection and their end.
      let inFlight = 0;
      for (const event of events) {
        if (event.event === 'connected') inFlight += 1;
        if (event.event === 'done' || event.event === 'failed') inFlight -= 1;
        expect(inFlight).toBeLessThanOrEqual(2);
      }
    });
  });
}
