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

import { getPoetry, poetryChunks } from '../src/get-poetry.js';

const distIndex = new URL('../dist/index.js', import.meta.url).href;

/** A settled promise as an outcome. */
const outcome = (promise: Promise<Uint8Array>): Promise<TaskOutcome> =>
  promise.then(
    (poem) => ({ ok: true, poem }),
    (error: Error) => ({ ok: false, error }),
  );

const stage: StageUnderTest = {
  name: 'stage 5 (promises)',
  fetchAll: (addresses) => Promise.all(addresses.map((address) => outcome(getPoetry(address)))),
};
describeStageContract(stage);
describeEventLoopStage(stage);

afterEach(closeServers);

describe('getPoetry returning a promise', () => {
  it('returns a pending promise at once, which resolves to the poem', async () => {
    const server = await serve({ poem: poem('science.txt') });
    let settled = false;
    const promise = getPoetry(server.address).finally(() => (settled = true));
    expect(promise).toBeInstanceOf(Promise);
    await sleep(0);
    expect(settled).toBe(false);
    expect(Buffer.from(await promise).equals(poem('science.txt'))).toBe(true);
  });

  it('rejects with the reason each download failed', async () => {
    const reset = await serve({ poem: poem('science.txt'), fault: { kind: 'reset', afterBytes: 50 } });
    const stall = await serve({ poem: poem('science.txt'), fault: { kind: 'stall', afterBytes: 20 } });
    const endless = await serve({ poem: poem('science.txt'), endless: true, delay: 0.001, numBytes: 100 });
    const whole = await serve({ poem: poem('science.txt') });
    const aborted = new AbortController();
    const results = [
      getPoetry(reset.address),
      getPoetry({ host: '127.0.0.1', port: await closedPort() }),
      getPoetry(stall.address, { timeout: 0.05 }),
      getPoetry(endless.address, { maxBytes: 1000 }),
      getPoetry(whole.address, { signal: aborted.signal }),
      getPoetry(whole.address, { signal: AbortSignal.abort() }),
    ];
    aborted.abort();
    const codes = await Promise.all(
      results.map((result) =>
        result.then(
          () => 'poem',
          (error: { code?: string }) => error.code,
        ),
      ),
    );
    expect(codes).toEqual(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPOEMTOOLONG', 'ABORT_ERR', 'ABORT_ERR']);
    await expect(getPoetry(whole.address, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('closes the socket when the signal aborts, so the server sees the client leave', async () => {
    await sleep(20); // let sockets from earlier tests finish closing
    const before = openSockets();
    const server = await serve({ poem: poem('ecstasy.txt'), delay: 0.01 });
    const controller = new AbortController();
    const left = nextEnd(server);
    const download = getPoetry(server.address, {
      signal: controller.signal,
      onChunk: () => controller.abort(), // cancel as soon as the first bytes are in
    });
    await expect(download).rejects.toMatchObject({ name: 'AbortError', code: 'ABORT_ERR' });
    expect((await left).outcome).toBe('gone');
    await sleep(10);
    expect(openSockets()).toBeLessThanOrEqual(before);
  });

  it('closes the socket on a timeout too, so the server sees the client leave', async () => {
    const server = await serve({ poem: poem('science.txt'), fault: { kind: 'stall', afterBytes: 20 } });
    const left = nextEnd(server);
    await expect(getPoetry(server.address, { timeout: 0.05 })).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    // 'stalled' is the server's word for a stalled connection that closed; the server is still up, so the client closed it.
    expect((await left).outcome).toBe('stalled');
    expect(server.connections).toBe(0);
  });

  it('awaits one download at a time in a loop (exercise 2): the sum of the download times, where starting them all takes the slowest', async () => {
    // Three downloads of about 0.12 s each (science.txt, 100-byte chunks 0.02 s apart).
    const servers = await Promise.all([1, 2, 3].map(() => serve({ poem: poem('science.txt'), numBytes: 100, delay: 0.02 })));
    const one = 6 * 0.02 * 1000;
    let started = performance.now();
    const poems: Uint8Array[] = [];
    for (const server of servers) poems.push(await getPoetry(server.address));
    const inTurn = performance.now() - started;
    started = performance.now();
    await Promise.all(servers.map((server) => getPoetry(server.address)));
    const atOnce = performance.now() - started;
    expect(poems.every((p) => Buffer.from(p).equals(poem('science.txt')))).toBe(true);
    expect(inTurn).toBeGreaterThanOrEqual(3 * one * 0.95);
    expect(atOnce).toBeGreaterThanOrEqual(one * 0.95);
    expect(atOnce).toBeLessThan(inTurn / 2); // about one download, where the loop took three
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
      await getPoetry({ host: '127.0.0.1', port: ${server.port} }, { timeout: 0.2 }).catch((err) => console.log(err.code));
    `);
    expect(run.stdout.trim()).toBe('ETIMEDOUT');
    expect(run.code).toBe(0);
    // The server keeps the connection open forever: only a closed socket lets the script end.
    expect(run.ms).toBeLessThan(5000);
  });
});

describe('poetryChunks, an async iterable pulled with for await', () => {
  it('yields the poem chunk by chunk, and connects only when the first chunk is asked for', async () => {
    const server = await serve({ poem: poem('alla-sera.txt'), numBytes: 7 });
    let clients = 0;
    server.on('client', () => (clients += 1));
    const chunks = poetryChunks(server.address);
    await sleep(50);
    expect(clients).toBe(0); // a generator runs nothing until it is iterated
    const received: Uint8Array[] = [];
    for await (const chunk of chunks) received.push(chunk);
    expect(clients).toBe(1);
    expect(received.length).toBeGreaterThan(1);
    expect(Buffer.concat(received).equals(poem('alla-sera.txt'))).toBe(true);
  });

  // The README names three ways out of the loop body: each runs the generator's finally, and the socket closes.
  async function leaveAfterOneChunk(address: Address, way: 'break' | 'return' | 'throw'): Promise<void> {
    for await (const chunk of poetryChunks(address)) {
      expect(chunk.byteLength).toBeGreaterThan(0);
      if (way === 'break') break;
      if (way === 'return') return;
      throw new Error('the consumer gave up');
    }
  }

  it.each(['break', 'return', 'throw'] as const)('closes the socket when the loop body leaves with %s', async (way) => {
    await sleep(20); // let sockets from earlier tests finish closing
    const before = openSockets();
    const server = await serve({ poem: poem('ecstasy.txt') });
    const left = nextEnd(server);
    const leaving = leaveAfterOneChunk(server.address, way);
    if (way === 'throw') await expect(leaving).rejects.toThrow('the consumer gave up');
    else await leaving;
    const end = await left;
    expect(end.outcome).toBe('gone');
    expect(end.bytesSent).toBeLessThan(poem('ecstasy.txt').byteLength);
    await sleep(10);
    expect(openSockets()).toBeLessThanOrEqual(before);
  });

  it('stops reading while the consumer is busy, so the server has to wait (backpressure)', async () => {
    // A server that never stops and sends 64 KiB every millisecond: without
    // backpressure the client would hold gigabytes within seconds.
    const server = await serve({ poem: Buffer.alloc(64 * 1024, 'x'), numBytes: 64 * 1024, delay: 0.001, endless: true });
    let sentAtBackpressure = -1;
    let sent = 0;
    server.on('chunk', (_client, bytes) => (sent += bytes));
    const backedUp = new Promise<void>((resolve) =>
      server.once('backpressure', () => {
        sentAtBackpressure = sent;
        resolve();
      }),
    );
    const left = nextEnd(server);
    let received = 0;
    for await (const chunk of poetryChunks(server.address)) {
      received += chunk.byteLength;
      // A slow consumer: it sits on the first chunk until the server notices.
      await Promise.race([backedUp, sleep(5000)]);
      break;
    }
    expect(sentAtBackpressure).toBeGreaterThan(0); // the server's writes did back up
    // What the client took in is one chunk; the rest waits in the kernel's buffers, bounded.
    expect(received).toBeLessThanOrEqual(64 * 1024);
    expect(sentAtBackpressure).toBeLessThan(64 * 1024 * 1024);
    expect((await left).outcome).toBe('gone');
  });

  it('does not count the time the consumer spends on a chunk as the server being silent', async () => {
    const server = await serve({ poem: poem('science.txt'), numBytes: 100, delay: 0.005 });
    const received: Uint8Array[] = [];
    for await (const chunk of poetryChunks(server.address, { timeout: 0.1 })) {
      received.push(chunk);
      await sleep(150); // longer than the timeout, at every chunk
    }
    expect(Buffer.concat(received).equals(poem('science.txt'))).toBe(true);
  });
});
