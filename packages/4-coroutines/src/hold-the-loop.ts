// Microtasks that keep scheduling microtasks never let the event loop turn.
//
//   node packages/4-coroutines/dist/hold-the-loop.js [MILLISECONDS]      (default 500)
//
// `await` (and `yield` to our run()) gives the thread back to whoever resumes
// the function, from the microtask queue, and the event loop goes on only once
// that queue is empty. So a chain of microtasks that keeps adding one more holds
// the thread as surely as stage 1's blocking recv(): no timer fires, no socket
// is read. Each way below keeps busy for MILLISECONDS while the probe that
// every client's trace uses (a 5 ms timer that notes how late it fires:
// shared's startLoopProbe) watches, and prints the longest stall it saw.
import { readInteger, runMain } from '@slow-poetry/cli-kit';
import { monotonicMs, startLoopProbe } from '@slow-poetry/shared';

import { Future } from './future.js';
import { run, type Coroutine } from './run.js';

/** Each way of keeping busy until `until` (a monotonic time), then settling. */
const ways: Record<string, (until: number) => Promise<void>> = {
  'a blocking loop (how stage 1 waits)': async (until) => {
    while (monotonicMs() < until); // never gives the thread back at all
  },
  'setImmediate, again and again (each one a turn of the loop)': (until) =>
    new Promise((resolve) => {
      const next = (): void => void (monotonicMs() < until ? setImmediate(next) : resolve());
      next();
    }),
  'a promise chain that keeps scheduling itself': (until) =>
    new Promise((resolve) => {
      const next = (): void => void (monotonicMs() < until ? Promise.resolve().then(next) : resolve());
      next();
    }),
  'await in a loop': async (until) => {
    while (monotonicMs() < until) await Promise.resolve(); // a promise that is already there
  },
  'a coroutine that yields futures already settled, run()': (until) =>
    new Promise((resolve, reject) => {
      const settled = new Future<void>();
      settled.resolve();
      function* spin(): Coroutine<void> {
        while (monotonicMs() < until) yield settled;
      }
      run(spin()).whenDone(resolve, reject);
    }),
};

/** The fault matrix's rule for a client's `holdsThread`: held beyond 80 % of the time, free under 25 %. */
function verdict(maxDelayMs: number, busyMs: number): string {
  if (maxDelayMs > 0.8 * busyMs) return 'held the thread';
  if (maxDelayMs < 0.25 * busyMs) return 'left the event loop free';
  return 'held the thread part of the time';
}

runMain('hold-the-loop', async () => {
  const ms = process.argv[2] === undefined ? 500 : readInteger('MILLISECONDS', process.argv[2], 20);
  for (const [name, keepBusy] of Object.entries(ways)) {
    const probe = startLoopProbe();
    const started = monotonicMs();
    await keepBusy(started + ms);
    const { maxDelayMs } = probe.stop();
    const busyMs = monotonicMs() - started;
    console.log(
      `${name}: busy ${busyMs.toFixed(0)} ms, longest event-loop stall ${maxDelayMs.toFixed(0)} ms: ${verdict(maxDelayMs, busyMs)}`,
    );
  }
});
