import net from 'node:net';

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

const distIndex = new URL('../dist/index.js', import.meta.url).href;

/** What the callback was called with, as an outcome. */
const toOutcome = (err: Error | null, poem?: Uint8Array): TaskOutcome => (err ? { ok: false, error: err } : { ok: true, poem: poem! });

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
    const calls: string[][] = [];
    const track = (address: Address, options: GetPoetryOptions = {}): { calls: string[]; over: Promise<void> } => {
      const mine: string[] = [];
      calls.push(mine);
      const over = new Promise<void>((resolve) =>
        getPoetry(address, options, (err) => {
          mine.push(err ? ((err as Error & { code?: string }).code ?? err.message) : 'poem');
          resolve();
        }),
      );
      return { calls: mine, over };
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
      track(whole.address, { signal: late.signal, timeout: 0.05 }),
      track(rudeAddress, { timeout: 0.05 }),
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

    expect(calls).toEqual([['poem'], ['poem'], ['ECONNRESET'], ['ECONNREFUSED'], ['ETIMEDOUT'], ['EPOEMTOOLONG'], ['ABORT_ERR'], ['ABORT_ERR']]);
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
    const server = await serveProcess(['--num-bytes', '10', '--delay', '0.005', '--quiet', '--stall-after', '30', poemPath('science.txt')]);
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
