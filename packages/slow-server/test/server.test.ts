import { once } from 'node:events';
import net from 'node:net';

import { afterEach, describe, expect, it } from 'vitest';

import { logServer } from '../src/log.js';
import { idealDuration, maxNumBytes, startServer, type Outcome, type ServerOptions, type SlowServer } from '../src/server.js';
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

/** A client that connects and never reads: past a few kilobytes, the kernel's buffers fill up. */
function neverReads(port: number): net.Socket {
  const socket = net.connect({ port, host: '127.0.0.1' });
  socket.pause();
  socket.on('error', () => {}); // the server may reset it
  return socket;
}

/** A poem of `bytes` bytes, too big for the kernel's buffers on loopback when nobody reads. */
const bigPoem = (bytes: number): Uint8Array => new Uint8Array(bytes).fill(0x61);

/** `promise`, or undefined if it takes more than `ms`: a test fails on the value instead of timing out. */
const within = <T>(ms: number, promise: Promise<T>): Promise<T | undefined> =>
  Promise.race([promise, sleep(ms).then(() => undefined)]);

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

  it.each([
    [0.005, 200],
    [0.25, 250],
  ])(
    'resets the connection after N bytes when asked to, at %s s a tick no sooner than %i ms after them: the client has read them all, then sees ECONNRESET',
    async (delay, gapMs) => {
      // A tick later, and at least 0.2 s: a reset that lands with the last bytes would discard them.
      const server = await serve({ delay, fault: { kind: 'reset', afterBytes: 25 } });
      let lastChunkAt = NaN;
      server.on('chunk', () => (lastChunkAt = performance.now()));
      const resetAt = new Promise<number>((resolve) => server.once('end', () => resolve(performance.now())));
      const ended = nextEnd(server);
      const result = await download(server.port);
      expect(result.error?.code).toBe('ECONNRESET');
      // This client reads at once (in the same process, in the loop turn after the last write), so every byte.
      expect(result.bytes.byteLength).toBe(25);
      expect(await ended).toEqual({ outcome: 'reset', bytes: 25 });
      // Timed on the server's side: from the last chunk's write to the reset. Slack of 5 ms: Node
      // times a timer from the event loop's clock, which can be a little behind the write.
      expect((await resetAt) - lastChunkAt).toBeGreaterThanOrEqual(gapMs - 5);
    },
  );

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

describe('what the slow server prepares once', () => {
  it('sends an endless poem as views of one buffer prepared once for the whole server, never a copy per chunk', async () => {
    // 50-byte chunks of a 94-byte poem: most chunks wrap around the poem's end.
    const server = await serve({ endless: true, numBytes: 50, delay: 0.001 });
    const sent: Uint8Array[] = [];
    server.on('chunk', (_client, _bytes, _lateMs, data) => sent.push(data));
    const results = await Promise.all([
      download(server.port, '127.0.0.1', { destroyAfterBytes: poem.byteLength * 3 }),
      download(server.port, '127.0.0.1', { destroyAfterBytes: poem.byteLength * 3 }),
    ]);
    const again = Buffer.concat([Buffer.from(poem), Buffer.from(poem), Buffer.from(poem)]);
    for (const result of results) expect(result.bytes.subarray(0, again.byteLength).equals(again)).toBe(true);
    expect(sent.length).toBeGreaterThanOrEqual(12); // 6 chunks or more per client
    expect(new Set(sent.map((chunk) => chunk.buffer)).size).toBe(1);
  });

  it('sends a poem as views of the poem itself', async () => {
    const server = await serve();
    const sent: Uint8Array[] = [];
    server.on('chunk', (_client, _bytes, _lateMs, data) => sent.push(data));
    await download(server.port);
    expect(sent).toHaveLength(Math.ceil(poem.byteLength / 10));
    for (const chunk of sent) expect(chunk.buffer).toBe(poem.buffer);
  });

  it('takes chunks of up to 16 MiB and refuses anything it cannot honour with a RangeError', async () => {
    expect(maxNumBytes).toBe(16_777_216);
    const biggest = await serve({ numBytes: maxNumBytes, endless: true });
    const result = await download(biggest.port, '127.0.0.1', { destroyAfterBytes: 1 });
    expect(result.bytes.byteLength).toBeGreaterThan(0);
    for (const bad of [
      { numBytes: maxNumBytes + 1 },
      { numBytes: 0 },
      { numBytes: 1.5 },
      { delay: -1 },
      { delay: NaN },
      { delay: 3e6 }, // beyond what a timer can wait
      { sendTimeout: 0 },
      { maxConnections: 0 },
      { maxConnections: 2.5 },
    ]) {
      await expect(startServer({ poem, ...bad }), JSON.stringify(bad)).rejects.toThrow(RangeError);
    }
  });
});

describe('the slow server under trouble', () => {
  it("reports an error on its listening socket as 'trouble', logs it in one line and goes on serving", async () => {
    const server = await serve();
    const lines: string[] = [];
    logServer(server, { quiet: true, write: (line) => lines.push(line) });
    const troubles: Error[] = [];
    server.on('trouble', (error) => troubles.push(error));
    // An accept that fails (ENFILE: the whole system is out of file descriptors)
    // cannot be caused on demand, so the test hands the listening socket the
    // error Node would emit. A net.Server with no 'error' listener throws it.
    const error = Object.assign(new Error('accept ENFILE'), { code: 'ENFILE', errno: -23, syscall: 'accept' });
    expect(() => server.listener.emit('error', error)).not.toThrow();
    expect(troubles).toEqual([error]);
    expect(lines).toEqual(['Trouble, still serving: accept ENFILE']);
    const result = await download(server.port);
    expect(result.bytes.equals(Buffer.from(poem))).toBe(true);
  });

  it('resets a connection beyond maxConnections, so that its client sees ECONNRESET instead of an empty poem', async () => {
    const server = await serve({ maxConnections: 2, delay: 0.03 });
    const refused: Array<[string, number]> = [];
    server.on('refused', (remote, max) => refused.push([remote, max]));
    const lines: string[] = [];
    logServer(server, { quiet: true, write: (line) => lines.push(line) });
    const served = [download(server.port), download(server.port)];
    while (server.connections < 2) await sleep(5);
    const turnedAway = await download(server.port);
    expect(turnedAway.error?.code).toBe('ECONNRESET');
    expect(turnedAway.bytes.byteLength).toBe(0);
    expect(refused).toEqual([[expect.stringMatching(/^127\.0\.0\.1:\d+$/), 2]]);
    expect(lines).toContainEqual(
      expect.stringMatching(/^Too many connections: resetting 127\.0\.0\.1:\d+ \(at most 2 at once\)$/),
    );
    for (const result of await Promise.all(served)) expect(result.bytes.equals(Buffer.from(poem))).toBe(true);
    // Room again once the server's side of both connections has closed: the next client is served.
    while (server.connections > 0) await sleep(5);
    const later = await download(server.port);
    expect(later.bytes.equals(Buffer.from(poem))).toBe(true);
  });

  it('counts the clients waiting for their turn towards maxConnections', async () => {
    const server = await serve({ maxConnections: 2, delay: 0.03, oneAtATime: true });
    const served = [download(server.port), download(server.port)];
    while (server.connections < 2) await sleep(5);
    const turnedAway = await download(server.port);
    expect(turnedAway.error?.code).toBe('ECONNRESET');
    for (const result of await Promise.all(served)) expect(result.bytes.equals(Buffer.from(poem))).toBe(true);
  });

  it('does not let a client that never reads delay the poem of a client beside it: each keeps its own schedule', async () => {
    const big = bigPoem(4 << 20);
    const server = await serve({ poem: big, numBytes: 256 << 10, delay: 0.02 }); // 16 chunks
    const ideal = idealDuration(big.byteLength, 256 << 10, 0.02) * 1000;
    const outcomes: Outcome[] = [];
    server.on('end', (_client, outcome) => outcomes.push(outcome));
    const idle = neverReads(server.port);
    await once(server, 'client');
    const result = await download(server.port);
    expect(result.bytes.byteLength).toBe(big.byteLength);
    expect(result.endedAt - result.connectedAt).toBeLessThan(ideal * 2);
    expect(outcomes).toEqual(['complete']); // the idle client's poem is still stuck in its buffers
    idle.destroy();
  });

  it('resets a client that leaves its buffers full for sendTimeout, so that one at a time the next client gets its turn', async () => {
    const big = bigPoem(16 << 20);
    const server = await serve({ poem: big, numBytes: 1 << 20, delay: 0, oneAtATime: true, sendTimeout: 0.2 });
    const ends: Array<{ outcome: Outcome; error: Error | undefined }> = [];
    server.on('end', (_client, outcome, _bytes, error) => ends.push({ outcome, error }));
    const idle = neverReads(server.port);
    await once(server, 'client');
    const result = await within(5000, download(server.port)); // without the timeout: never
    expect(result?.bytes.byteLength).toBe(big.byteLength);
    expect(result!.arrivals[0]! - result!.connectedAt).toBeGreaterThan(150); // it did wait for its turn
    expect(ends[0]).toEqual({ outcome: 'gone', error: new Error('not reading for 0.2 s') });
    expect(ends[1]?.outcome).toBe('complete');
    idle.destroy();
  });

  it('gives up on a client that never reads after sendTimeout when serving concurrently too', async () => {
    const server = await serve({ poem: bigPoem(16 << 20), numBytes: 1 << 20, delay: 0, sendTimeout: 0.2 });
    const ended = new Promise((resolve) => server.once('end', (_client, outcome, _bytes, error) => resolve({ outcome, error })));
    const idle = neverReads(server.port);
    expect(await within(3000, ended)).toEqual({ outcome: 'gone', error: new Error('not reading for 0.2 s') });
    idle.destroy();
  });

  it("resets rather than use Node's own maxConnections, which closes the connection cleanly: an empty poem to the client", async () => {
    const plain = net.createServer((socket) => setTimeout(() => socket.end('a poem'), 100));
    plain.maxConnections = 1;
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    try {
      const port = (plain.address() as net.AddressInfo).port;
      const first = download(port);
      await sleep(30);
      const second = await download(port);
      expect(second.error).toBeUndefined(); // no error: nothing tells this client it was turned away
      expect(second.bytes.byteLength).toBe(0);
      expect((await first).bytes.toString()).toBe('a poem');
    } finally {
      plain.close();
    }
  });

  it('keeps sending to a client that closes its sending side right after connecting, to the end of the poem', async () => {
    const server = await serve({ delay: 0.002 });
    const ended = nextEnd(server);
    const received = await new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      // allowHalfOpen: the client's socket stays readable after its own end(), as `nc -N` does.
      const socket = net.connect({ port: server.port, host: '127.0.0.1', allowHalfOpen: true }, () => socket.end());
      socket.on('data', (chunk) => chunks.push(chunk));
      socket.on('end', () => resolve(Buffer.concat(chunks)));
      socket.on('error', reject);
    });
    expect(received.equals(Buffer.from(poem))).toBe(true);
    expect(await ended).toEqual({ outcome: 'complete', bytes: poem.byteLength });
  });

  it('ends a stalled connection when its client closes during the stall, and counts it as stalled', async () => {
    const server = await serve({ fault: { kind: 'stall', afterBytes: 25 } });
    const ended = nextEnd(server);
    const result = await download(server.port, '127.0.0.1', { destroyAfterBytes: 25 });
    expect(result.bytes.byteLength).toBe(25);
    expect(await within(2000, ended)).toEqual({ outcome: 'stalled', bytes: 25 });
    expect(server.connections).toBe(0);
  });
});

describe('one at a time, as the README tells it', () => {
  it('takes about the sum for three downloads from one oneAtATime server, and about the longest from three servers', async () => {
    const ideal = idealDuration(poem.byteLength, 10, 0.02) * 1000; // 10 chunks: 180 ms
    const timed = async (ports: number[]): Promise<number> => {
      const started = performance.now();
      const results = await Promise.all(ports.map((port) => download(port)));
      for (const result of results) expect(result.bytes.equals(Buffer.from(poem))).toBe(true);
      return performance.now() - started;
    };
    const shared = await serve({ delay: 0.02, oneAtATime: true });
    const own = await Promise.all([1, 2, 3].map(() => serve({ delay: 0.02, oneAtATime: true })));
    const oneServer = await timed([shared.port, shared.port, shared.port]);
    const threeServers = await timed(own.map((server) => server.port));
    expect(oneServer).toBeGreaterThan(ideal * 3 * 0.95); // the sum, as a blocking client would take
    expect(threeServers).toBeLessThan(ideal * 2); // the longest: nobody waits for anybody
  });
  it('misbehaves with the first N connections only when the fault says so, then serves whole poems', async () => {
    const server = await serve({ fault: { kind: 'reset', afterBytes: 20, connections: 1 }, delay: 0.03 });
    const first = await download(server.port);
    const second = await download(server.port);
    expect((first.error as NodeJS.ErrnoException | undefined)?.code).toBe('ECONNRESET');
    expect(second.error).toBeUndefined();
    expect(second.bytes.equals(Buffer.from(poem))).toBe(true);
  });
});
