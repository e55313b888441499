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
import {
  EmptyError,
  last,
  lastValueFrom,
  map,
  merge,
  pipe,
  retry,
  scan,
  share,
  shareReplay,
  take,
  tap,
  toArray,
  type Observable,
  type Subscription,
} from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';

import { getPoetry } from '../src/get-poetry.js';
import { idleTimeout, limitBytes } from '../src/operators.js';
import { flakyServer } from './flaky-server.js';

const distIndex = new URL('../dist/index.js', import.meta.url).href;

/** Every chunk, kept as it came, then joined once: the whole poem as one value. */
const joined = pipe(
  toArray<Uint8Array>(),
  map((chunks) => Buffer.concat(chunks)),
);

/** The whole poem, as a promise. */
const wholePoem = (chunks$: Observable<Uint8Array>): Promise<Uint8Array> => lastValueFrom(chunks$.pipe(joined));

const outcome = (chunks$: Observable<Uint8Array>): Promise<TaskOutcome> =>
  wholePoem(chunks$).then(
    (poem) => ({ ok: true, poem }),
    (error: Error) => ({ ok: false, error }),
  );

const stage: StageUnderTest = {
  name: 'stage 6 (RxJS)',
  fetchAll: (addresses) => Promise.all(addresses.map((address) => outcome(getPoetry(address)))),
};
describeStageContract(stage);
describeEventLoopStage(stage);

afterEach(closeServers);

describe('getPoetry returning a cold Observable', () => {
  it('connects only on subscribe, and once for each subscription', async () => {
    const server = await serve({ poem: poem('science.txt') });
    let clients = 0;
    server.on('client', () => (clients += 1));
    const poem$ = getPoetry(server.address);
    await sleep(50);
    expect(clients).toBe(0); // a cold Observable only describes the download
    const [first, second] = await Promise.all([wholePoem(poem$), wholePoem(poem$)]);
    expect(clients).toBe(2);
    expect(Buffer.from(first).equals(poem('science.txt'))).toBe(true);
    expect(Buffer.from(second).equals(poem('science.txt'))).toBe(true);
  });

  it('emits the poem chunk by chunk, then completes', async () => {
    const server = await serve({ poem: poem('alla-sera.txt'), numBytes: 7 });
    const chunks = await lastValueFrom(getPoetry(server.address).pipe(toArray()));
    expect(chunks.length).toBeGreaterThan(10);
    expect(Buffer.concat(chunks).equals(poem('alla-sera.txt'))).toBe(true);
  });

  it('closes the socket on unsubscribe, so the server sees the client leave', async () => {
    await sleep(20); // let sockets from earlier tests finish closing
    const before = openSockets();
    const server = await serve({ poem: poem('ecstasy.txt'), delay: 0.01 });
    const left = nextEnd(server);
    const gotOne = new Promise<void>((resolve) => {
      const subscription = getPoetry(server.address).subscribe(() => {
        subscription.unsubscribe(); // leave after the first chunk
        resolve();
      });
    });
    await gotOne;
    const end = await left;
    expect(end.outcome).toBe('gone');
    expect(end.bytesSent).toBeLessThan(poem('ecstasy.txt').byteLength);
    await sleep(10);
    expect(openSockets()).toBeLessThanOrEqual(before);
  });

  it('closes the socket after the first chunk with take(1): the operator unsubscribes, not the subscriber', async () => {
    const server = await serve({ poem: poem('ecstasy.txt'), delay: 0.01 });
    const left = nextEnd(server);
    // The subscriber never unsubscribes; take(1) completes it after one chunk and unsubscribes from getPoetry.
    const chunks = await lastValueFrom(getPoetry(server.address).pipe(take(1), toArray()));
    expect(chunks).toHaveLength(1);
    const end = await left;
    expect(end.outcome).toBe('gone');
    expect(end.bytesSent).toBeLessThan(poem('ecstasy.txt').byteLength);
  });

  it('fails with the reason a download failed, and never emits after it', async () => {
    const reset = await serve({ poem: poem('science.txt'), fault: { kind: 'reset', afterBytes: 50 } });
    const stall = await serve({ poem: poem('science.txt'), fault: { kind: 'stall', afterBytes: 20 } });
    const endless = await serve({ poem: poem('science.txt'), endless: true, delay: 0.001, numBytes: 100 });
    const results = await Promise.all([
      outcome(getPoetry(reset.address)),
      outcome(getPoetry({ host: '127.0.0.1', port: await closedPort() })),
      outcome(getPoetry(stall.address).pipe(idleTimeout(0.05))),
      outcome(getPoetry(endless.address).pipe(limitBytes(1000))),
    ]);
    expect(results.map((result) => (result.ok ? 'poem' : result.error.code))).toEqual([
      'ECONNRESET',
      'ECONNREFUSED',
      'ETIMEDOUT',
      'EPOEMTOOLONG',
    ]);
  });

  it('retries a failed download from the start, so no bytes of the failed attempt get in', async () => {
    const text = poem('science.txt');
    const flaky = await flakyServer(text);
    try {
      // retry after the join: each attempt collects its chunks afresh, so a failed attempt's never get in.
      const poemBytes = await lastValueFrom(getPoetry(flaky.address).pipe(joined, retry(2)));
      expect(flaky.attempts()).toBe(2);
      expect(Buffer.from(poemBytes).equals(text)).toBe(true);
    } finally {
      flaky.close();
    }
  });

  it('closes the socket when the timeout operator fires, so the server sees the client leave', async () => {
    const server = await serve({ poem: poem('science.txt'), fault: { kind: 'stall', afterBytes: 20 } });
    const left = nextEnd(server);
    await expect(wholePoem(getPoetry(server.address).pipe(idleTimeout(0.2)))).rejects.toMatchObject({ code: 'ETIMEDOUT' });
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
      const { getPoetry, idleTimeout } = await import(${JSON.stringify(distIndex)});
      getPoetry({ host: '127.0.0.1', port: ${server.port} }).pipe(idleTimeout(0.2))
        .subscribe({ error: (err) => console.log(err.code) });
    `);
    expect(run.stdout.trim()).toBe('ETIMEDOUT');
    expect(run.code).toBe(0);
    // The server keeps the connection open forever: only a closed socket lets the script end.
    expect(run.ms).toBeLessThan(5000);
  });
});

describe('push, without backpressure', () => {
  it('pushes chunks as fast as the socket delivers them, however slowly the subscriber handles them', async () => {
    // Stage 5's pulling consumer holds at most one 64 KiB chunk while it works on one: the server has to wait.
    const server = await serve({ poem: Buffer.alloc(64 * 1024, 'x'), numBytes: 64 * 1024, delay: 0.001, endless: true });
    const left = nextEnd(server);
    const waiting: Uint8Array[] = [];
    let handled = 0;
    let pushedBytes = 0;
    const subscription = getPoetry(server.address).subscribe((chunk) => {
      pushedBytes += chunk.byteLength;
      waiting.push(chunk); // next() cannot say "wait": all a slow subscriber can do is queue
    });
    // The subscriber's work: 50 ms a chunk, for 300 ms.
    for (let t = 0; t < 6; t++) {
      await sleep(50);
      if (waiting.shift() !== undefined) handled += 1;
    }
    subscription.unsubscribe();
    expect(handled).toBeLessThanOrEqual(6);
    expect(pushedBytes).toBeGreaterThan(20 * 64 * 1024); // pushed all the same: more than 20 chunks' worth
    expect(waiting.length).toBeGreaterThan(handled);
    expect((await left).outcome).toBe('gone');
  });
});

describe('merge', () => {
  it("closes every download's socket when its subscriber unsubscribes", async () => {
    const servers = await Promise.all([1, 2, 3].map(() => serve({ poem: poem('ecstasy.txt'), delay: 0.01 })));
    const ends = servers.map(nextEnd);
    let chunks = 0;
    await new Promise<void>((resolve) => {
      const subscription = merge(...servers.map((server) => getPoetry(server.address))).subscribe(() => {
        if (++chunks < 6) return;
        subscription.unsubscribe(); // one unsubscribe, three sockets
        resolve();
      });
    });
    for (const end of await Promise.all(ends)) {
      expect(end.outcome).toBe('gone');
      expect(end.bytesSent).toBeLessThan(poem('ecstasy.txt').byteLength);
    }
  });

  it('unsubscribes every other download at the first error, with no catchError of their own: their sockets close', async () => {
    const failing = await serve({ poem: poem('science.txt'), fault: { kind: 'reset', afterBytes: 30 }, delay: 0.01 });
    const others = await Promise.all([1, 2].map(() => serve({ poem: poem('ecstasy.txt'), delay: 0.01 })));
    const ends = others.map(nextEnd);
    const downloads = [failing, ...others].map((server) => getPoetry(server.address));
    await expect(lastValueFrom(merge(...downloads))).rejects.toMatchObject({ code: 'ECONNRESET' });
    for (const end of await Promise.all(ends)) {
      expect(end.outcome).toBe('gone');
      expect(end.bytesSent).toBeLessThan(poem('ecstasy.txt').byteLength / 2);
    }
  });
});

describe('accumulating with scan (exercise 1)', () => {
  const accumulate = scan((poem: Buffer, chunk: Uint8Array) => Buffer.concat([poem, chunk]), Buffer.alloc(0));

  it('fails an empty poem with last() (no chunk, so nothing to take), and gives 0 bytes with a default', async () => {
    const server = await serve({ poem: Buffer.alloc(0) });
    const plain = lastValueFrom(getPoetry(server.address).pipe(accumulate, last()));
    await expect(plain).rejects.toBeInstanceOf(EmptyError);
    await expect(plain).rejects.toThrow('no elements in sequence');
    const withDefault = await lastValueFrom(getPoetry(server.address).pipe(accumulate, last(undefined, Buffer.alloc(0))));
    expect(withDefault.byteLength).toBe(0);
  });
});

describe('share and shareReplay (exercise 3)', () => {
  it('share() keeps the one connection until its last subscriber leaves', async () => {
    const server = await serve({ poem: poem('ecstasy.txt'), delay: 0.01 });
    let ended = false;
    const left = nextEnd(server);
    void left.then(() => (ended = true));
    const shared$ = getPoetry(server.address).pipe(share());
    const firstChunk = (): Promise<Subscription> =>
      new Promise((resolve) => {
        const subscription = shared$.subscribe(() => resolve(subscription));
      });
    const [a, b] = await Promise.all([firstChunk(), firstChunk()]);
    a.unsubscribe();
    await sleep(50);
    expect(ended).toBe(false); // B is still there
    b.unsubscribe();
    expect((await left).outcome).toBe('gone');
  });

  it('gives a subscriber that comes late the chunks it missed, over the one connection', async () => {
    const server = await serve({ poem: poem('science.txt'), delay: 0.01 });
    let connections = 0;
    const replayed$ = getPoetry(server.address, { onConnect: () => (connections += 1) }).pipe(shareReplay());
    let firstChunk = (): void => {};
    const firstChunkSeen = new Promise<void>((resolve) => (firstChunk = resolve));
    const early = wholePoem(replayed$.pipe(tap(() => firstChunk())));
    await firstChunkSeen;
    const late = wholePoem(replayed$); // subscribes after the first chunk
    for (const bytes of await Promise.all([early, late])) expect(Buffer.from(bytes).equals(poem('science.txt'))).toBe(true);
    expect(connections).toBe(1);
  });
});
