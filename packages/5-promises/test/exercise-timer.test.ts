// Exercise 3: why poetryChunks switches the idle timer off around `yield`. The
// patch exercises/keep-timer-on.patch removes the two lines; built once, its
// slow-consumer runs as `pnpm exercise 5 keep-timer-on` runs it, and its
// poetryChunks is loaded here to watch the socket from the server's side.
import net from 'node:net';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { closeServers, poem, poemPath, runCli, scratchDir, serve, serveProcess, sleep } from '@slow-poetry/test-kit';
import { buildExercise, findExercise } from '@slow-poetry/exercise';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import type * as Stage from '../src/get-poetry.js';
import { poetryChunks } from '../src/get-poetry.js';

const stageConsumer = fileURLToPath(new URL('../dist/slow-consumer.js', import.meta.url));
let patchedConsumer: string;
let patched: typeof Stage;
beforeAll(async () => {
  const built = buildExercise(findExercise('5', 'keep-timer-on'), scratchDir('slow-poetry-exercises-5-'));
  patchedConsumer = built.entry;
  patched = (await import(pathToFileURL(join(built.dir, 'dist', 'get-poetry.js')).href)) as typeof Stage;
}, 60_000);

afterEach(closeServers);

/** When (performance.now()) the server sent its last chunk, and when and how it saw the client leave. */
function watch(server: Awaited<ReturnType<typeof serve>>): {
  lastChunkAt: () => number;
  left: Promise<{ at: number; outcome: string }>;
} {
  let lastChunkAt = 0;
  server.on('chunk', () => (lastChunkAt = performance.now()));
  const left = new Promise<{ at: number; outcome: string }>((resolve) =>
    server.once('end', (_client, outcome) => resolve({ at: performance.now(), outcome })),
  );
  return { lastChunkAt: () => lastChunkAt, left };
}

describe('exercise 3: the idle timer while the consumer holds a chunk', () => {
  it("fails a consumer slower than the timeout once the timer is left on, losing what was in the socket's buffer; the stage gets the whole poem", async () => {
    // The README's run (science.txt at 10 bytes / 0.1 s, --timeout 1 --pause 3), faster: the poem
    // in 1 s, pulls at 0, 0.8 and 1.6 s. The timer runs out at 1.3 s, with what came after 0.8 s unread.
    const server = await serveProcess(['--quiet', '--num-bytes', '10', '--delay', '0.015', poemPath('science.txt')]);
    const args = ['--timeout', '0.3', '--pause', '0.8', String(server.port)];
    const [withPatch, stage] = await Promise.all([runCli(patchedConsumer, args), runCli(stageConsumer, args)]);
    expect(withPatch.code).toBe(1);
    const failed = /^\d+\.\d{3} s: failed after (\d+) bytes: timed out \(ETIMEDOUT\)/.exec(withPatch.lines.at(-1)!);
    expect(failed).not.toBeNull();
    expect(Number(failed![1])).toBeLessThan(poem('science.txt').byteLength);
    // While the consumer paused, the bytes kept arriving: its second chunk is many of the server's.
    expect(Number(/chunk 2, (\d+) bytes/.exec(withPatch.stdout)?.[1])).toBeGreaterThan(10);
    expect(stage.code).toBe(0);
    expect(stage.lines.at(-1)).toMatch(/^\d+\.\d{3} s: the whole poem, 666 bytes$/);
  });

  it('runs out one timeout after the socket last read from the kernel, not one timeout after the consumer stopped pulling', async () => {
    // The whole poem in 0.6 s (100 bytes / 0.1 s), then the connection stays open:
    // when the client gives up, the server sees it leave.
    const timeout = 0.5;
    const server = await serve({
      poem: poem('science.txt'),
      numBytes: 100,
      delay: 0.1,
      fault: { kind: 'stall', afterBytes: 666 },
    });
    const { lastChunkAt, left } = watch(server);
    const chunks = patched.poetryChunks(server.address, { timeout })[Symbol.asyncIterator]();
    const first = await chunks.next();
    const pulledAt = performance.now();
    expect(first.done).toBe(false);
    // The consumer holds its first chunk until the client has left.
    const gone = await Promise.race([left, sleep(5000).then(() => undefined)]);
    expect(gone?.outcome).toBe('stalled');
    // The server went on sending long after the consumer stopped pulling. Had the socket
    // stopped reading then, the timer would have run out at pulledAt + timeout, less
    // than a timeout after the server's last byte.
    expect(lastChunkAt() - pulledAt).toBeGreaterThan(200);
    expect(gone!.at - lastChunkAt()).toBeGreaterThanOrEqual(timeout * 1000 * 0.9);
    await expect(chunks.next()).rejects.toMatchObject({ code: 'ETIMEDOUT' });
  });

  it('lets the same consumer hold its chunk as long as it likes in the stage: the server sees nothing until it pulls again', async () => {
    const timeout = 0.5;
    const server = await serve({
      poem: poem('science.txt'),
      numBytes: 100,
      delay: 0.1,
      fault: { kind: 'stall', afterBytes: 666 },
    });
    const { left } = watch(server);
    const received: Uint8Array[] = [];
    const chunks = poetryChunks(server.address, { timeout })[Symbol.asyncIterator]();
    const first = await chunks.next();
    received.push(first.value as Uint8Array);
    expect(await Promise.race([left.then(() => 'left'), sleep(1600).then(() => 'still there')])).toBe('still there');
    // Pulling again: the rest of the poem, then one timeout of the server's silence.
    await expect(
      (async () => {
        for (let next = await chunks.next(); !next.done; next = await chunks.next()) received.push(next.value);
      })(),
    ).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    expect(Buffer.concat(received).equals(poem('science.txt'))).toBe(true);
  });

  it('reads ahead up to the high-water mark when the poem never ends: the timer runs out later than the timeout, by the time that took', async () => {
    // 1 KiB every 0.01 s, about 100 KB/s: 16 KiB (Node 20) take about 0.16 s, 64 KiB (Node 22 on) about 0.64 s.
    const highWaterMark = new net.Socket().readableHighWaterMark;
    expect(highWaterMark).toBe(Number(process.versions.node.split('.')[0]) >= 22 ? 64 * 1024 : 16 * 1024);
    const timeout = 0.5;
    const bytesPerSecond = 1024 / 0.01;
    const server = await serve({ poem: Buffer.alloc(64 * 1024, 'x'), numBytes: 1024, delay: 0.01, endless: true });
    const { left } = watch(server);
    const chunks = patched.poetryChunks(server.address, { timeout })[Symbol.asyncIterator]();
    await chunks.next();
    const pulledAt = performance.now();
    const gone = await Promise.race([left, sleep(5000).then(() => undefined)]);
    // It did run out (the reads stopped, with the buffer full), and only after the buffer had filled.
    expect(gone?.outcome).toBe('gone');
    const late = (gone!.at - pulledAt) / 1000 - timeout;
    expect(late).toBeGreaterThan(0.5 * (highWaterMark / bytesPerSecond));
    await expect(chunks.next()).rejects.toMatchObject({ code: 'ETIMEDOUT' });
  });
});
