// What can go wrong on the client's own side: the files it writes, the signals
// it gets, the memory it may use. One row per client, one test per case, each a
// real process against real servers, as in faults.ts.
//
// - A poem that was not saved is not a success, and a save that fails never
//   takes the other tasks down.
// - Files never lie: a planted symlink is replaced, not followed; no task file
//   of an earlier run survives to pass for this run's.
// - SIGTERM and SIGHUP stop a client as Ctrl-C does (its partial lines, the
//   summary, 143 or 129) — where a handler can run at all: a client that holds
//   its thread dies by the signal itself. Either way the trace holds every event
//   up to the signal.
// - A server that never stops sending, with no --max-bytes given, fails its
//   task at the default limit, long before the client runs out of memory.
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { defaultMaxBytes, parseTrace } from '@slow-poetry/shared';
import { closedPort, poem, sleep } from '@slow-poetry/test-kit';
import { describe, expect, it } from 'vitest';

import type { ClientUnderTest } from './clients.js';
import { runBin, startBin } from './run-bin.js';
import { expectNoHangNoStack, failedLine, Fixture, summary } from './support.js';

interface Case {
  name: string;
  /** Only for clients of which this holds (e.g. those that can run a signal handler). */
  when?: (client: ClientUnderTest) => boolean;
  run(client: ClientUnderTest, fixture: Fixture): Promise<void>;
}

const args = (client: ClientUnderTest, fixture: Fixture, more: string[]): string[] => [
  ...client.extraArgs,
  '--quiet',
  '--out',
  fixture.out,
  ...more,
];

function signalCase(signal: 'SIGTERM' | 'SIGHUP', status: number): Case[] {
  return [
    {
      name: `${signal} stops it as Ctrl-C does: what each task got, the summary, exit ${status}, the whole trace`,
      when: (client) => !client.holdsThread,
      async run(client, fixture) {
        const whole = await fixture.serve('science.txt', { numBytes: 100 }); // 7 chunks: over in about 30 ms
        const stalled = await fixture.serve('ecstasy.txt', { fault: { kind: 'stall', afterBytes: 21 } });
        const trace = join(fixture.out, 'trace.jsonl');
        const running = startBin(client.binPath, args(client, fixture, ['--trace', trace, whole.address, stalled.address]));
        await stalled.faulted;
        await sleep(400); // the healthy poem is over by now; the stalled one waits
        running.child.kill(signal);
        const result = await running.done;
        expectNoHangNoStack(result);
        expect(result.code).toBe(status);
        expect(result.stdout).toMatch(failedLine(2, stalled.address, new RegExp(`interrupted \\(EINTERRUPTED\\): ${signal}`)));
        expect(summary(result)).toEqual({ poems: 1, failed: 1 });
        expect(fixture.saved(1)?.equals(poem('science.txt'))).toBe(true);
        expect(fixture.savedPartial(2)?.equals(poem('ecstasy.txt').subarray(0, 21))).toBe(true);
        const events = parseTrace(readFileSync(trace, 'utf8'));
        expect(events.at(-1)).toMatchObject({ event: 'end', result: { status } });
      },
    },
    {
      name: `${signal} ends it at once, by the signal's default action (its thread is held), and the trace holds every event until then`,
      when: (client) => client.holdsThread,
      async run(client, fixture) {
        const stalled = await fixture.serve('ecstasy.txt', { fault: { kind: 'stall', afterBytes: 21 } });
        const trace = join(fixture.out, 'trace.jsonl');
        const running = startBin(client.binPath, args(client, fixture, ['--trace', trace, stalled.address]));
        await stalled.faulted;
        await sleep(300);
        running.child.kill(signal);
        const result = await running.done;
        expect(result.hung).toBe(false);
        expect(result.signal).toBe(signal);
        const events = parseTrace(readFileSync(trace, 'utf8')).map((event) => event.event);
        expect(events.slice(0, 2)).toEqual(['start', 'connected']);
        expect(events).toContain('chunk');
      },
    },
  ];
}

export const ownOutputCases: Case[] = [
  {
    name: 'a poem that cannot be saved (a directory where task-1.txt goes) fails its task, and the others are saved',
    async run(client, fixture) {
      const one = await fixture.serve('science.txt');
      const two = await fixture.serve('fascination.txt');
      mkdirSync(join(fixture.out, 'task-1.txt'));
      const result = await runBin(client.binPath, args(client, fixture, [one.address, two.address]));
      expectNoHangNoStack(result);
      expect(result.stdout).toMatch(
        failedLine(1, one.address, /poem not saved \(ESAVE\): cannot save .*task-1\.txt: is a directory \(EISDIR\)/),
      );
      expect(fixture.saved(2)?.equals(poem('fascination.txt'))).toBe(true);
      expect(summary(result)).toEqual({ poems: 1, failed: 1 });
      expect(result.code).toBe(1);
    },
  },
  {
    name: 'a failed task whose bytes cannot be saved stays failed for its own reason, and the others go on',
    async run(client, fixture) {
      const reset = await fixture.serve('ecstasy.txt', { numBytes: 35, delay: 0.1, fault: { kind: 'reset', afterBytes: 70 } });
      const whole = await fixture.serve('science.txt');
      mkdirSync(join(fixture.out, 'task-1.partial.txt'));
      const result = await runBin(client.binPath, args(client, fixture, [reset.address, whole.address]));
      expectNoHangNoStack(result);
      expect(result.stdout).toMatch(
        failedLine(1, reset.address, /connection reset by peer \(ECONNRESET\); its 70 bytes were not saved: /),
      );
      expect(fixture.saved(2)?.equals(poem('science.txt'))).toBe(true);
      expect(result.code).toBe(1);
    },
  },
  {
    name: 'a symlink planted at task-1.txt is replaced by the poem, and what it pointed to is untouched',
    async run(client, fixture) {
      const server = await fixture.serve('science.txt');
      const target = join(fixture.out, 'precious.txt');
      writeFileSync(target, 'not a poem');
      symlinkSync(target, join(fixture.out, 'task-1.txt'));
      const result = await runBin(client.binPath, args(client, fixture, [server.address]));
      expectNoHangNoStack(result);
      expect(result.code).toBe(0);
      expect(readFileSync(target, 'utf8')).toBe('not a poem');
      expect(fixture.saved(1)?.equals(poem('science.txt'))).toBe(true);
    },
  },
  {
    name: "an earlier run's task-1.txt is gone before this run's task 1 fails, so it cannot pass for this run's poem",
    async run(client, fixture) {
      writeFileSync(join(fixture.out, 'task-1.txt'), 'an earlier poem');
      const refused = `127.0.0.1:${await closedPort()}`;
      const result = await runBin(client.binPath, args(client, fixture, [refused]));
      expectNoHangNoStack(result);
      expect(result.code).toBe(1);
      expect(fixture.saved(1)).toBeUndefined();
    },
  },
  ...signalCase('SIGTERM', 143),
  ...signalCase('SIGHUP', 129),
  {
    name: `a server that never stops, with no --max-bytes given, fails its task at the default ${defaultMaxBytes} bytes; the other task finishes`,
    async run(client, fixture) {
      const firehose = await fixture.serve('ecstasy.txt', { endless: true, numBytes: 1 << 20, delay: 0 });
      const whole = await fixture.serve('science.txt');
      const result = await runBin(client.binPath, [...client.extraArgs, '--quiet', firehose.address, whole.address], {
        deadlineMs: 30_000,
      });
      expectNoHangNoStack(result);
      expect(result.stdout).toMatch(
        failedLine(1, firehose.address, new RegExp(`poem too long \\(EPOEMTOOLONG\\): more than ${defaultMaxBytes} bytes`)),
      );
      expect(summary(result)).toEqual({ poems: 1, failed: 1 });
      expect(result.code).toBe(1);
    },
  },
];

/** One test per case for each client it applies to, run at the same time. */
export function describeOwnOutput(clients: ClientUnderTest[]): void {
  describe.concurrent.each(clients)('$name and its own output, signals and limits', (client) => {
    for (const test of ownOutputCases) {
      if (test.when !== undefined && !test.when(client)) continue;
      it.skipIf(client.missing !== undefined)(
        test.name,
        async () => {
          const fixture = new Fixture();
          try {
            await test.run(client, fixture);
          } finally {
            await fixture.close();
          }
        },
        40_000,
      );
    }
  });
}
