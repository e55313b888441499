// The scenario behind "calls back exactly once": eight downloads, each ending a
// different way, and what each one's callback heard. A helper rather than a test,
// so that exercises.test.ts can run the very same scenario on a patched copy of
// the stage (no-once-guard) and show what changes.
import net from 'node:net';

import type { Address } from '@slow-poetry/shared';
import { closedPort, poem, serve, sleep } from '@slow-poetry/test-kit';

import type { getPoetry as GetPoetry, GetPoetryOptions } from '../src/get-poetry.js';

/** What each callback call was: 'poem', or the error's code (its message when it has none). */
const heard = (err: Error | null): string => (err ? ((err as Error & { code?: string }).code ?? err.message) : 'poem');

/**
 * Run eight downloads, one per way to end (whole poem, whole then reset, reset,
 * refused, stalled into a timeout, too long, aborted while running, aborted before
 * it started), and give, per download, every call its callback received, in order.
 * Closes its own listener; the slow servers are closed by the test's closeServers().
 */
export async function callsPerEnding(getPoetry: typeof GetPoetry): Promise<string[][]> {
  const track = (address: Address, options: GetPoetryOptions = {}): { calls: string[]; over: Promise<void> } => {
    const calls: string[] = [];
    const over = new Promise<void>((resolve) =>
      getPoetry(address, options, (err) => {
        calls.push(heard(err));
        resolve();
      }),
    );
    return { calls, over };
  };

  // A server that sends the whole poem, closes its side, then resets the connection
  // for good measure: after 'end' the socket still has a 'close' (and maybe an error) to come.
  const rude = net.createServer((socket) => {
    socket.on('error', () => {});
    socket.end('a whole poem\n', () => setTimeout(() => socket.resetAndDestroy(), 5));
  });
  await new Promise<void>((resolve) => rude.listen(0, '127.0.0.1', resolve));
  const rudeAddress = { host: '127.0.0.1', port: (rude.address() as net.AddressInfo).port };

  const whole = await serve({ poem: poem('science.txt') });
  const reset = await serve({ poem: poem('science.txt'), fault: { kind: 'reset', afterBytes: 50 } });
  const stall = await serve({ poem: poem('science.txt'), fault: { kind: 'stall', afterBytes: 20 } });
  const endless = await serve({ poem: poem('science.txt'), endless: true, delay: 0.001, numBytes: 100 });
  const aborted = new AbortController();
  const late = new AbortController();

  const tasks = [
    track(whole.address, { signal: late.signal, timeout: 0.5 }),
    track(rudeAddress, { timeout: 0.5 }),
    track(reset.address),
    track({ host: '127.0.0.1', port: await closedPort() }),
    track(stall.address, { timeout: 0.05 }),
    track(endless.address, { maxBytes: 1000 }),
    track(whole.address, { signal: aborted.signal }),
    track(whole.address, { signal: AbortSignal.abort() }),
  ];
  aborted.abort();
  await Promise.all(tasks.map((task) => task.over));
  late.abort(); // aborting after the poem arrived must change nothing
  await sleep(150); // long enough for any late error, close or timeout to show up
  rude.close();
  return tasks.map((task) => task.calls);
}
