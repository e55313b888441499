import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { FdSetSizeError } from '@slow-poetry/posix';
import type { Address } from '@slow-poetry/shared';
import { closeServers, describeStageContract, openDescriptors, serveProcess } from '@slow-poetry/test-kit';
import { idealDuration, poetryDir } from '@slow-poetry/slow-server';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

import { getPoetry, type Poller } from '../src/index.js';

for (const poller of ['select', 'poll'] as Poller[]) {
  describeStageContract({
    name: `stage 2 (select loop, waiting with ${poller})`,
    fetchAll: async (addresses) =>
      getPoetry(addresses, { poller }).map((result) =>
        result.ok ? { ok: true, poem: result.poem } : { ok: false, error: result.error },
      ),
  });
}

const serve = async (...args: string[]): Promise<Address> => (await serveProcess(['--quiet', ...args])).address;
afterEach(closeServers);
const scratch = mkdtempSync(join(tmpdir(), 'select-loop-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const science = join(poetryDir, 'science.txt');

/** Open /dev/null until a descriptor reaches `atLeast`; returns them all (to close). */
function descriptorsUpTo(atLeast: number): number[] {
  const fds: number[] = [];
  do fds.push(openSync('/dev/null', 'r'));
  while (fds.at(-1)! < atLeast);
  return fds;
}

describe('stage 2 getPoetry', () => {
  it('takes about as long as the slowest download, not the sum', async () => {
    const delays = [0.01, 0.02, 0.04];
    const addresses = await Promise.all(delays.map((delay) => serve('--num-bytes', '30', '--delay', String(delay), science)));
    const size = readFileSync(science).byteLength;
    const ideal = delays.map((delay) => idealDuration(size, 30, delay) * 1000);
    const sum = ideal.reduce((a, b) => a + b);
    const slowest = Math.max(...ideal);

    const started = performance.now();
    const finishedAt: number[] = [];
    const results = getPoetry(addresses, { onFinished: (task) => (finishedAt[task] = performance.now() - started) });
    const total = performance.now() - started;

    expect(results.every((result) => result.ok && result.poem.byteLength === size)).toBe(true);
    expect(total).toBeGreaterThanOrEqual(slowest * 0.95);
    // The three waits overlap: far less than the 1.54 s they add up to (stage 1 needs all of it).
    expect(total).toBeLessThan(sum * 0.8);
    // And the fastest server's poem was finished first, while the others were still coming.
    expect(finishedAt[0]!).toBeLessThan(finishedAt[2]!);
  });

  it('fails a stalled download after its timeout while the others finish', async () => {
    const stalled = await serve('--num-bytes', '10', '--delay', '0.001', '--stall-after', '50', science);
    const healthy = await serve('--num-bytes', '30', '--delay', '0.002', science);
    const started = performance.now();
    const [stuck, whole] = getPoetry([stalled, healthy], { timeout: 1 });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(stuck).toMatchObject({ ok: false, error: { code: 'ETIMEDOUT' } });
    if (stuck?.ok === false) expect(stuck.partial.byteLength).toBe(50);
    expect(whole?.ok).toBe(true);
  });

  for (const poller of ['select', 'poll'] as Poller[]) {
    it(`wakes for a deadline by itself with ${poller}: a 0.3 s timeout fires about 0.3 s after the last bytes`, async () => {
      // Alone, so no other socket can wake the loop: only the wait's own limit (the time left to the next
      // deadline) ends it. A wait with no limit would never end; one that overslept would fail late.
      const stalled = await serve('--num-bytes', '10', '--delay', '0.001', '--stall-after', '50', science);
      let lastBytesAt = NaN;
      let failedAt = NaN;
      const [stuck] = getPoetry([stalled], {
        poller,
        timeout: 0.3,
        onChunk: () => (lastBytesAt = performance.now()),
        onFailed: () => (failedAt = performance.now()),
      });
      expect(stuck).toMatchObject({ ok: false, error: { code: 'ETIMEDOUT' } });
      // Not before the deadline, and not long after it: the slack is for a loaded machine waking the thread late.
      expect(failedAt - lastBytesAt).toBeGreaterThanOrEqual(300 * 0.95);
      expect(failedAt - lastBytesAt).toBeLessThan(300 + 800);
    });
  }

  it('stops a poem that grows past maxBytes, keeping the bytes it was allowed', async () => {
    const endless = await serve('--num-bytes', '100', '--delay', '0.001', '--endless', science);
    const [result] = getPoetry([endless], { maxBytes: 1000 });
    expect(result).toMatchObject({ ok: false, error: { code: 'EPOEMTOOLONG' } });
    if (result?.ok === false) {
      expect(result.partial.byteLength).toBeLessThanOrEqual(1000);
      expect(result.partial.includes(0)).toBe(false); // real bytes, no padding
    }
  });

  it('fails an unknown host on its own task', async () => {
    const healthy = await serve('--num-bytes', '100', '--delay', '0.001', science);
    const [unknown, whole] = getPoetry([{ host: 'no-such-host.invalid', port: 1 }, healthy]);
    expect(unknown).toMatchObject({ ok: false, error: { code: 'ENOTFOUND' } });
    expect(whole?.ok).toBe(true);
  });

  it('downloads 2000 poems at once when waiting with poll', async () => {
    const small = join(scratch, 'small.txt');
    writeFileSync(small, 'A short poem,\nsent slowly.\n');
    const address = await serve('--num-bytes', '10', '--delay', '0.01', small);
    const results = getPoetry(new Array<typeof address>(2000).fill(address), { poller: 'poll', timeout: 30 });
    const failures = results.filter((result) => !result.ok);
    expect(failures.map((f) => !f.ok && f.error.message).slice(0, 3)).toEqual([]);
    expect(results.every((result) => result.ok && Buffer.from(result.poem).toString() === readFileSync(small, 'utf8'))).toBe(
      true,
    );
  });

  it('refuses a descriptor at FD_SETSIZE with select, clearly and without leaking, while poll copes', async () => {
    const address = await serve('--num-bytes', '100', '--delay', '0.001', science);
    const filler = descriptorsUpTo(1023); // the next socket gets descriptor 1024 or above
    try {
      const before = openDescriptors();
      let caught: unknown;
      try {
        getPoetry([address], { poller: 'select' });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(FdSetSizeError);
      expect((caught as Error).message).toMatch(/FD_SETSIZE \(1024\).*--poller poll/);
      expect(openDescriptors()).toBe(before);
      const [result] = getPoetry([address], { poller: 'poll' });
      expect(result?.ok).toBe(true);
    } finally {
      filler.forEach((fd) => closeSync(fd));
    }
  });

  it('closes every descriptor it opens, whatever happens', async () => {
    const whole = await serve('--num-bytes', '100', '--delay', '0.001', science);
    const reset = await serve('--num-bytes', '100', '--delay', '0.001', '--reset-after', '200', science);
    const stalled = await serve('--num-bytes', '100', '--delay', '0.001', '--stall-after', '200', science);
    const endless = await serve('--num-bytes', '100', '--delay', '0.001', '--endless', science);
    const refused = { host: '127.0.0.1', port: 1 };
    const unknown = { host: 'no-such-host.invalid', port: 1 };
    const before = openDescriptors();
    for (const poller of ['select', 'poll'] as Poller[]) {
      const results = getPoetry([whole, reset, stalled, endless, refused, unknown], { poller, timeout: 1, maxBytes: 1000 });
      expect(results.map((result) => result.ok)).toEqual([true, false, false, false, false, false]);
    }
    expect(openDescriptors()).toBe(before);
  });
});
