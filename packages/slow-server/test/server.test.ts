import net from 'node:net';

import { afterEach, describe, expect, it } from 'vitest';

import { idealDuration, startServer, type Outcome, type ServerOptions, type SlowServer } from '../src/server.js';
import { bytesOf, download, sleep } from './helpers.js';

const poem = bytesOf('Science! true daughter of Old Time thou art!\nWho alterest all things with thy peering eyes.\n');
const running: SlowServer[] = [];

async function serve(options: Partial<ServerOptions> = {}): Promise<SlowServer> {
  const server = await startServer({ poem, numBytes: 10, delay: 0.005, ...options });
  running.push(server);
  return server;
}

function nextEnd(server: SlowServer): Promise<{ outcome: Outcome; bytes: number }> {
  return new Promise((resolve) => server.once('end', (_client, outcome, bytes) => resolve({ outcome, bytes })));
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

describe('the slow server', () => {
  it('sends the whole poem, byte for byte, then closes the connection', async () => {
    const server = await serve();
    const result = await download(server.port);
    expect(result.error).toBeUndefined();
    expect(result.bytes.equals(Buffer.from(poem))).toBe(true);
  });

  it('sends the given number of bytes per tick', async () => {
    const server = await serve({ numBytes: 7, delay: 0.01 });
    const sizes: number[] = [];
    server.on('chunk', (_client, bytes) => sizes.push(bytes));
    await download(server.port);
    expect(sizes.slice(0, -1).every((size) => size === 7)).toBe(true);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(poem.byteLength);
    expect(sizes).toHaveLength(Math.ceil(poem.byteLength / 7));
  });

  it('listens on 127.0.0.1 by default and picks a free port', async () => {
    const server = await serve();
    expect(server.host).toBe('127.0.0.1');
    expect(server.port).toBeGreaterThan(0);
  });

  it('keeps its schedule: chunk k leaves at start + k × delay, so the total matches the ideal', async () => {
    // 200 chunks at 4 ms. A server that sleeps after each send drifts by every
    // timer's overshoot (about a millisecond each here): 20% over. This one does not.
    const long = new Uint8Array(200).fill(0x61);
    const server = await serve({ poem: long, numBytes: 1, delay: 0.004 });
    const late: number[] = [];
    server.on('chunk', (_client, _bytes, lateMs) => late.push(lateMs));
    const result = await download(server.port);
    const ideal = idealDuration(long.byteLength, 1, 0.004) * 1000;
    const total = result.arrivals.at(-1)! - result.arrivals[0]!;
    expect(ideal).toBe(796);
    expect(late).toHaveLength(200);
    expect(Math.min(...late)).toBeGreaterThan(-2); // never ahead of the schedule
    expect(total).toBeLessThan(ideal * 1.05 + 25);
    // Lateness does not accumulate: the last chunks are no later than the first ones, give or take.
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    expect(median(late.slice(-50))).toBeLessThan(median(late.slice(0, 50)) + 4);
  });

  it('serves several clients at once, each on its own schedule', async () => {
    const server = await serve({ delay: 0.01 });
    const ideal = idealDuration(poem.byteLength, 10, 0.01) * 1000;
    const started = performance.now();
    const results = await Promise.all([download(server.port), download(server.port), download(server.port)]);
    const total = performance.now() - started;
    for (const result of results) expect(result.bytes.equals(Buffer.from(poem))).toBe(true);
    expect(total).toBeLessThan(ideal * 2); // about one download's time, far from three
  });

  it('makes every other client wait for the current poem with oneAtATime, as the tutorial does', async () => {
    const server = await serve({ delay: 0.01, oneAtATime: true });
    const ideal = idealDuration(poem.byteLength, 10, 0.01) * 1000;
    const [first, second] = await Promise.all([download(server.port), download(server.port)]);
    expect(first.bytes.equals(Buffer.from(poem))).toBe(true);
    expect(second.bytes.equals(Buffer.from(poem))).toBe(true);
    // The second client connected at once but got its first byte only after the first poem was done.
    const [early, late] = first.arrivals[0]! < second.arrivals[0]! ? [first, second] : [second, first];
    expect(late.arrivals[0]!).toBeGreaterThanOrEqual(early.endedAt - 2);
    expect(late.arrivals[0]! - late.connectedAt).toBeGreaterThan(ideal * 0.8);
  });

  it('resets the connection after N bytes when asked to: the client sees ECONNRESET', async () => {
    const server = await serve({ fault: { kind: 'reset', afterBytes: 25 } });
    const ended = nextEnd(server);
    const result = await download(server.port);
    expect(result.error?.code).toBe('ECONNRESET');
    expect(result.bytes.byteLength).toBeLessThanOrEqual(25);
    expect(await ended).toEqual({ outcome: 'reset', bytes: 25 });
  });

  it('closes cleanly after N bytes when asked to: a truncated poem that looks whole to the client', async () => {
    const server = await serve({ fault: { kind: 'close', afterBytes: 25 } });
    const ended = nextEnd(server);
    const result = await download(server.port);
    expect(result.error).toBeUndefined(); // nothing tells the client the poem was cut short
    expect(result.bytes.equals(Buffer.from(poem.subarray(0, 25)))).toBe(true);
    expect(await ended).toEqual({ outcome: 'truncated', bytes: 25 });
  });

  it('stalls after N bytes when asked to: the connection stays open and silent', async () => {
    const server = await serve({ fault: { kind: 'stall', afterBytes: 25 } });
    const ended = nextEnd(server);
    let received = 0;
    let closed = false;
    const socket = net.connect({ port: server.port, host: '127.0.0.1' });
    socket.on('data', (chunk) => (received += chunk.byteLength));
    socket.on('close', () => (closed = true));
    await sleep(150); // 30 ticks' worth
    expect(received).toBe(25);
    expect(closed).toBe(false);
    await server.close();
    expect(await ended).toEqual({ outcome: 'stalled', bytes: 25 });
    socket.destroy();
  });

  it('sends the poem over and over when endless', async () => {
    const server = await serve({ endless: true, numBytes: 50, delay: 0.001 });
    const result = await download(server.port, '127.0.0.1', { destroyAfterBytes: poem.byteLength * 3 });
    expect(result.bytes.byteLength).toBeGreaterThanOrEqual(poem.byteLength * 3);
    const again = Buffer.concat([Buffer.from(poem), Buffer.from(poem)]);
    expect(result.bytes.subarray(0, again.byteLength).equals(again)).toBe(true);
  });

  it('notices a client that goes away mid-poem and keeps serving the others', async () => {
    const server = await serve({ delay: 0.01 });
    const ended = nextEnd(server);
    const [quitter, stayer] = await Promise.all([
      download(server.port, '127.0.0.1', { destroyAfterBytes: 1 }),
      download(server.port),
    ]);
    expect(quitter.bytes.byteLength).toBeLessThan(poem.byteLength);
    expect((await ended).outcome).toBe('gone');
    expect(stayer.bytes.equals(Buffer.from(poem))).toBe(true);
  });

  it('waits for a client that stops reading instead of buffering without end', async () => {
    const big = new Uint8Array(8 << 20).fill(0x62);
    const server = await serve({ poem: big, numBytes: 1 << 20, delay: 0 });
    const backedUp = new Promise<void>((resolve) => server.once('backpressure', () => resolve()));
    const socket = net.connect({ port: server.port, host: '127.0.0.1' });
    socket.pause(); // a reader that never reads
    await backedUp;
    let sentSoFar = 0;
    server.on('chunk', (_client, bytes) => (sentSoFar += bytes));
    await sleep(50);
    expect(sentSoFar).toBe(0); // nothing more is sent while the client does not read
    socket.destroy();
  });

  it('closes at once an empty poem, sending nothing', async () => {
    const server = await serve({ poem: new Uint8Array() });
    const result = await download(server.port);
    expect(result.error).toBeUndefined();
    expect(result.bytes.byteLength).toBe(0);
  });

  it('closes every connection and stops listening when closed', async () => {
    const server = await serve({ delay: 1 });
    const pending = download(server.port);
    await sleep(30);
    expect(server.connections).toBe(1);
    await server.close();
    expect(server.connections).toBe(0);
    const cut = await pending;
    expect(cut.bytes.byteLength).toBeLessThan(poem.byteLength);
    const refused = await download(server.port);
    expect(refused.error?.code).toBe('ECONNREFUSED');
  });

  it('computes the ideal duration as (chunks − 1) × delay', () => {
    expect(idealDuration(3003, 30, 0.1)).toBeCloseTo(10.0);
    expect(idealDuration(10, 10, 0.1)).toBe(0);
    expect(idealDuration(0, 10, 0.1)).toBe(0);
  });
});
