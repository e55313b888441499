import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Address } from '@slow-poetry/shared';
import { closeServers, describeStageContract, openDescriptors, serveProcess, type TaskOutcome } from '@slow-poetry/test-kit';
import { idealDuration, poetryDir } from '@slow-poetry/slow-server';
import { afterEach, describe, expect, it } from 'vitest';

import { getPoetry } from '../src/index.js';

describeStageContract({
  name: 'stage 1 (blocking)',
  // One after another: each call returns only when its poem is here (or has failed).
  fetchAll: async (addresses) =>
    addresses.map((address): TaskOutcome => {
      try {
        return { ok: true, poem: getPoetry(address) };
      } catch (error) {
        return { ok: false, error: error as Error };
      }
    }),
});

const serve = async (...args: string[]): Promise<Address> => (await serveProcess(['--quiet', ...args])).address;
afterEach(closeServers);

const science = join(poetryDir, 'science.txt');

describe('stage 1 getPoetry', () => {
  it('takes about the sum of the downloads: each waits for the one before', async () => {
    const delays = [0.01, 0.02, 0.04];
    const addresses = await Promise.all(delays.map((delay) => serve('--num-bytes', '30', '--delay', String(delay), science)));
    const size = readFileSync(science).byteLength;
    const ideal = delays.map((delay) => idealDuration(size, 30, delay) * 1000);
    const sum = ideal.reduce((a, b) => a + b);

    const started = performance.now();
    const ended: number[] = [];
    for (const address of addresses) {
      expect(getPoetry(address).byteLength).toBe(size);
      ended.push(performance.now() - started);
    }
    const total = ended.at(-1)!;
    // The servers keep a schedule, so a download lasts at least its ideal time; one after another, they add up.
    expect(total).toBeGreaterThanOrEqual(sum * 0.95);
    // And each download ended only after all the ones before it had taken their time.
    expect(ended[1]!).toBeGreaterThanOrEqual((ideal[0]! + ideal[1]!) * 0.95);
  });

  it('stops the whole thread while it waits: a timer due every millisecond never fires', async () => {
    const address = await serve('--num-bytes', '100', '--delay', '0.01', science);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const started = performance.now();
    try {
      getPoetry(address);
    } finally {
      clearInterval(timer);
    }
    expect(performance.now() - started).toBeGreaterThan(50);
    expect(ticks).toBe(0);
  });

  it('gives up on a stalled server after its timeout instead of hanging', async () => {
    const address = await serve('--num-bytes', '10', '--delay', '0.001', '--stall-after', '50', science);
    const received: number[] = [];
    const started = performance.now();
    expect(() => getPoetry(address, { timeout: 1, onChunk: (chunk) => received.push(chunk.byteLength) })).toThrow(
      expect.objectContaining({ code: 'ETIMEDOUT' }),
    );
    expect(performance.now() - started).toBeLessThan(5000);
    expect(received.reduce((a, b) => a + b, 0)).toBe(50);
  });

  it('refuses to hold more than maxBytes of a poem that never ends', async () => {
    const address = await serve('--num-bytes', '200', '--delay', '0.001', '--endless', science);
    expect(() => getPoetry(address, { maxBytes: 5000 })).toThrow(expect.objectContaining({ code: 'EPOEMTOOLONG' }));
  });

  it('fails an unknown host with ENOTFOUND', () => {
    expect(() => getPoetry({ host: 'no-such-host.invalid', port: 10000 })).toThrow(
      expect.objectContaining({ code: 'ENOTFOUND' }),
    );
  });

  it('closes every descriptor it opens, whatever happens', async () => {
    const whole = await serve('--num-bytes', '100', '--delay', '0.001', science);
    const reset = await serve('--num-bytes', '100', '--delay', '0.001', '--reset-after', '200', science);
    const stalled = await serve('--num-bytes', '100', '--delay', '0.001', '--stall-after', '200', science);
    const endless = await serve('--num-bytes', '100', '--delay', '0.001', '--endless', science);
    const before = openDescriptors();
    for (let i = 0; i < 2; i++) {
      getPoetry(whole);
      expect(() => getPoetry(reset)).toThrow();
      expect(() => getPoetry(stalled, { timeout: 0.05 })).toThrow();
      expect(() => getPoetry(endless, { maxBytes: 1000 })).toThrow();
      expect(() => getPoetry({ host: '127.0.0.1', port: 1 })).toThrow();
      expect(() => getPoetry({ host: 'no-such-host.invalid', port: 1 })).toThrow();
    }
    expect(openDescriptors()).toBe(before);
  });
});
