// Exercise 4: a 'data' handler can say "wait" too (pause/resume); the difference
// from pulling is who has to remember to. Each consumer below is slow: it spends
// its time on the first chunk, against a server that never stops sending.
import net from 'node:net';
import { Writable } from 'node:stream';

import { closeServers, serve, sleep } from '@slow-poetry/test-kit';
import { afterEach, describe, expect, it } from 'vitest';

import { poetryChunks } from '../src/get-poetry.js';

afterEach(closeServers);

/** 64 KiB every millisecond, for ever: far more than any consumer here keeps up with. */
const firehose = (): ReturnType<typeof serve> =>
  serve({ poem: Buffer.alloc(64 * 1024, 'x'), numBytes: 64 * 1024, delay: 0.001, endless: true });

const backedUp = (server: Awaited<ReturnType<typeof serve>>): Promise<boolean> =>
  Promise.race([
    new Promise<boolean>((resolve) => server.once('backpressure', () => resolve(true))),
    sleep(5000).then(() => false),
  ]);

describe('exercise 4: pushed chunks and pulled ones, with a slow consumer', () => {
  it("keeps pushing to a 'data' handler that never pauses: the chunks pile up in memory while it is busy", async () => {
    const server = await firehose();
    const socket = net.connect(server.address);
    let received = 0;
    socket.on('data', (chunk) => (received += chunk.byteLength)); // handed over while the consumer is still busy
    await sleep(500); // the consumer's work on its first chunk
    socket.destroy();
    expect(received).toBeGreaterThan(1024 * 1024); // megabytes, although the consumer has finished nothing
  });

  it('stops the pushing when the handler calls pause() (and resume() when it is done): the server backs up', async () => {
    const server = await firehose();
    const backpressure = backedUp(server);
    const socket = net.connect(server.address);
    let received = 0;
    socket.on('data', (chunk) => {
      received += chunk.byteLength;
      socket.pause(); // "wait": until the work on this chunk is done…
      void backpressure.then(() => socket.resume()); // …which here takes until the server has backed up
    });
    expect(await backpressure).toBe(true);
    expect(received).toBeLessThanOrEqual(64 * 1024); // one chunk, nothing more
    socket.destroy();
  });

  it('pauses and resumes for the handler when the socket is piped to a slow writable stream', async () => {
    const server = await firehose();
    const backpressure = backedUp(server);
    const socket = net.connect(server.address);
    let received = 0;
    const slowWriter = new Writable({
      highWaterMark: 64 * 1024,
      write: (chunk: Buffer, _encoding, done) => {
        received += chunk.byteLength;
        void backpressure.then(() => done()); // busy with this chunk until the server has backed up
      },
    });
    socket.pipe(slowWriter);
    expect(await backpressure).toBe(true);
    // pipe() paused the socket when the writer's buffer was full: the server's writes backed up.
    expect(socket.isPaused()).toBe(true);
    expect(received).toBeLessThanOrEqual(64 * 1024); // the one chunk the writer is busy with
    socket.destroy();
  });

  it('waits by itself with for await: not asking for the next chunk is the pause, and the server backs up', async () => {
    const server = await firehose();
    const backpressure = backedUp(server);
    let received = 0;
    for await (const chunk of poetryChunks(server.address)) {
      received += chunk.byteLength;
      expect(await backpressure).toBe(true); // the consumer's work on this chunk lasts until then
      break;
    }
    expect(received).toBeLessThanOrEqual(64 * 1024);
  });
});
