import type { Address } from '@slow-poetry/shared';
import {
  closedPort,
  closeServers,
  describeEventLoopStage,
  describeStageContract,
  nextEnd,
  openSockets,
  poem,
  poemPath,
  runScript,
  serve,
  serveProcess,
  sleep,
  type StageUnderTest,
  type TaskOutcome,
} from '@slow-poetry/test-kit';
import { afterEach, describe, expect, it } from 'vitest';

import { getPoetry, type GetPoetryOptions } from '../src/get-poetry.js';
import { callsPerEnding } from './every-ending.js';

const distIndex = new URL('../dist/index.js', import.meta.url).href;

/** What the callback was called with, as an outcome. */
const toOutcome = (err: Error | null, poem?: Uint8Array): TaskOutcome =>
  err ? { ok: false, error: err } : { ok: true, poem: poem! };

/** getPoetry as a promise of its outcome, for tests that want to await it. */
function fetchOne(address: Address, options: GetPoetryOptions = {}): Promise<TaskOutcome> {
  return new Promise((resolve) => getPoetry(address, options, (err, poem) => resolve(toOutcome(err, poem))));
}

const stage: StageUnderTest = {
  name: 'stage 3 (callbacks)',
  fetchAll: (addresses) => Promise.all(addresses.map((address) => fetchOne(address))),
};
describeStageContract(stage);
describeEventLoopStage(stage);

afterEach(closeServers);

describe('getPoetry with a callback', () => {
  it('returns before any byte arrives and calls back later with the poem', async () => {
    const server = await serve({ poem: poem('science.txt') });
    let outcome: TaskOutcome | undefined;
    const done = new Promise<void>((resolve) =>
      getPoetry(server.address, (err, poem) => {
        outcome = toOutcome(err, poem);
        resolve();
      }),
    );
    expect(outcome).toBeUndefined(); // nothing yet: the call only started the download
    await done;
    expect(outcome?.ok && Buffer.from(outcome.poem).equals(poem('science.txt'))).toBe(true);
  });

  it('calls back exactly once, whatever happens to the socket afterwards', async () => {
    expect(await callsPerEnding(getPoetry)).toEqual([
      ['poem'],
      ['poem'],
      ['ECONNRESET'],
      ['ECONNREFUSED'],
      ['ETIMEDOUT'],
      ['EPOEMTOOLONG'],
      ['ABORT_ERR'],
      ['ABORT_ERR'],
    ]);
  });

  it('calls back only after it has returned, even for a download cancelled before it started', async () => {
    const order: string[] = [];
    const address = { host: '127.0.0.1', port: await closedPort() };
    const over = new Promise<void>((resolve) =>
      getPoetry(address, { signal: AbortSignal.abort() }, (err) => {
        order.push(`callback (${(err as Error & { code?: string }).code})`);
        resolve();
      }),
    );
    order.push('getPoetry returned');
    await over;
    expect(order).toEqual(['getPoetry returned', 'callback (ABORT_ERR)']);
  });

  it('calls back a download under way inside abort(), before abort() returns', async () => {
    const server = await serve({ poem: poem('science.txt'), delay: 0.05 });
    const controller = new AbortController();
    let firstBytes = (): void => {};
    const underWay = new Promise<void>((resolve) => (firstBytes = resolve));
    const order: string[] = [];
    const over = new Promise<void>((resolve) =>
      getPoetry(server.address, { signal: controller.signal, onChunk: () => firstBytes() }, (err) => {
        order.push(`callback (${(err as Error & { code?: string }).code})`);
        resolve();
      }),
    );
    await underWay;
    controller.abort();
    order.push('abort() returned');
    await over;
    expect(order).toEqual(['callback (ABORT_ERR)', 'abort() returned']);
  });

  it('closes the socket when the signal aborts, so the server sees the client leave', async () => {
    await sleep(20); // let sockets from earlier tests finish closing
    const before = openSockets();
    const server = await serve({ poem: poem('ecstasy.txt'), delay: 0.01 });
    const controller = new AbortController();
    const left = nextEnd(server);
    const outcome = fetchOne(server.address, {
      signal: controller.signal,
      onChunk: () => controller.abort(), // cancel as soon as the first bytes are in
    });
    const result = await outcome;
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatchObject({ name: 'AbortError', code: 'ABORT_ERR' });
    expect((await left).outcome).toBe('gone');
    await sleep(10);
    expect(openSockets()).toBeLessThanOrEqual(before);
  });

  it('closes the socket on a timeout too, so the server sees the client leave', async () => {
    const server = await serve({ poem: poem('science.txt'), fault: { kind: 'stall', afterBytes: 20 } });
    const left = nextEnd(server);
    const result = await fetchOne(server.address, { timeout: 0.05 });
    expect(result.ok ? 'poem' : result.error.code).toBe('ETIMEDOUT');
    // 'stalled' is the server's word for a stalled connection that closed; the server is still up, so the client closed it.
    expect((await left).outcome).toBe('stalled');
    expect(server.connections).toBe(0);
  });

  it('fails a stalled download with ETIMEDOUT, closes the socket and lets the process exit', async () => {
    const server = await serveProcess([
      '--num-bytes',
      '10',
      '--delay',
      '0.005',
      '--quiet',
      '--stall-after',
      '30',
      poemPath('science.txt'),
    ]);
    const run = await runScript(`
      const { getPoetry } = await import(${JSON.stringify(distIndex)});
      getPoetry({ host: '127.0.0.1', port: ${server.port} }, { timeout: 0.2 }, (err) => console.log(err?.code));
    `);
    expect(run.stdout.trim()).toBe('ETIMEDOUT');
    expect(run.code).toBe(0);
    // The server keeps the connection open forever: only a closed socket lets the script end.
    expect(run.ms).toBeLessThan(5000);
  });
});
