// The two experiments on the event loop's queues, run as a learner runs them:
// the built scripts in a process of their own.
import { fileURLToPath } from 'node:url';

import { closeServers, poem, runCli, serve } from '@slow-poetry/test-kit';
import { afterEach, describe, expect, it } from 'vitest';

const script = (name: string): string => fileURLToPath(new URL(`../dist/${name}`, import.meta.url));

/** The demo's numbered lines, each cut to what ran (before the ' — ' that says where it runs). */
const ranInOrder = (lines: string[]): string[] =>
  lines.filter((line) => /^\d+\. /.test(line)).map((line) => line.replace(/^\d+\. /, '').split(' — ')[0]!);

const expectedOrder = [
  "socket 'data': the first chunk",
  'process.nextTick',
  'promise.then',
  'run() resumes a coroutine paused at yield',
  'queueMicrotask',
  'an async function resumes after await',
  'setImmediate',
  'setTimeout(0)',
  "socket 'data': the next chunk",
];

describe('the queues demo', () => {
  afterEach(closeServers);

  it("prints the same order on every run: the tick queue, the microtasks in the order queued (the coroutines' resumptions among them), setImmediate, setTimeout(0), the next chunk", async () => {
    const server = await serve({ poem: poem('science.txt'), numBytes: 10, delay: 0.05 });
    for (const _ of [1, 2, 3]) {
      const run = await runCli(script('queues-demo.js'), [String(server.port)]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(ranInOrder(run.lines)).toEqual(expectedOrder);
    }
  });

  it('runs a setTimeout(0) after a setTimeout(1) scheduled just before it: Node makes a delay of 0 1 ms', async () => {
    // Were 0 shorter than 1, the second timer would be due first and run first.
    // Timers of the same delay run in the order they were set.
    const ran: string[] = [];
    await new Promise<void>((resolve) => {
      setTimeout(() => ran.push('setTimeout(1)'), 1);
      setTimeout(() => ran.push('setTimeout(0)'), 0);
      setTimeout(resolve, 20);
    });
    expect(ran).toEqual(['setTimeout(1)', 'setTimeout(0)']);
  });

  it('explains bad input in one line and exits with 2', async () => {
    const run = await runCli(script('queues-demo.js'), ['no-port']);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^queues-demo: invalid address 'no-port'[^\n]*\n$/);
    expect(run.code).toBe(2);
  });
});

describe('the hold-the-loop experiment', () => {
  it('finds that microtasks scheduling microtasks hold the thread as a blocking loop does, and setImmediate does not', async () => {
    const run = await runCli(script('hold-the-loop.js'), []); // 500 ms each, as the README's command
    expect(run.code).toBe(0);
    const measured = new Map(
      run.lines.map((line) => {
        const [, name, busy, stall, verdict] = /^(.*): busy (\d+) ms, longest event-loop stall (\d+) ms: (.*)$/.exec(line)!;
        return [name!, { busy: Number(busy), stall: Number(stall), verdict }];
      }),
    );
    const held = [
      'a blocking loop (how stage 1 waits)',
      'a promise chain that keeps scheduling itself',
      'await in a loop',
      'a coroutine that yields futures already settled, run()',
    ];
    for (const name of held) {
      const { busy, stall, verdict } = measured.get(name)!;
      expect(busy).toBeGreaterThanOrEqual(500);
      expect(stall).toBeGreaterThan(0.8 * busy); // the fault matrix's rule for a client that holds its thread (stage 1)
      expect(verdict).toBe('held the thread');
    }
    const free = measured.get('setImmediate, again and again (each one a turn of the loop)')!;
    expect(free.stall).toBeLessThan(0.25 * free.busy); // its rule for one that leaves it free
    expect(free.verdict).toBe('left the event loop free');
    expect(measured.size).toBe(5);
  });

  it('explains bad input in one line and exits with 2', async () => {
    const run = await runCli(script('hold-the-loop.js'), ['0']);
    expect(run.stderr).toBe("hold-the-loop: MILLISECONDS takes a whole number at least 20, not '0'\n");
    expect(run.code).toBe(2);
  });
});
