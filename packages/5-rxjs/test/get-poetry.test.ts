import { monotonicMs, startLoopProbe } from '@slow-poetry/shared';
import { closedPort, describeStageContract, type TaskOutcome } from '@slow-poetry/shared/contract';
import {
  closeServers,
  nextEnd,
  openSockets,
  poem,
  poemPath,
  runScript,
  serve,
  sleep,
  smallPoemFile,
} from '@slow-poetry/shared/testing';
import { spawnServer } from '@slow-poetry/slow-server';
import { lastValueFrom, map, retry, toArray, type Observable } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';

import { getPoetry } from '../src/get-poetry.js';
import { idleTimeout, limitBytes } from '../src/operators.js';
import { flakyServer } from './flaky-server.js';

const distIndex = new URL('../dist/index.js', import.meta.url).href;

/** Every chunk, joined once, as a promise. */
const wholePoem = (chunks$: Observable<Uint8Array>): Promise<Uint8Array> =>
  lastValueFrom(chunks$.pipe(toArray(), map((chunks) => Buffer.concat(chunks))));

const outcome = (chunks$: Observable<Uint8Array>): Promise<TaskOutcome> =>
  wholePoem(chunks$).then(
    (poem) => ({ ok: true, poem }),
    (error: Error) => ({ ok: false, error }),
  );

describeStageContract({
  name: 'stage 5 (RxJS)',
  fetchAll: (addresses) => Promise.all(addresses.map((address) => outcome(getPoetry(address)))),
});

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
      const poemBytes = await wholePoem(getPoetry(flaky.address).pipe(toArray(), map((chunks) => Buffer.concat(chunks)), retry(2)));
      expect(flaky.attempts()).toBe(2);
      expect(Buffer.from(poemBytes).equals(text)).toBe(true);
    } finally {
      flaky.close();
    }
  });

  it('takes about as long as the slowest download, not the sum of them', async () => {
    // Three downloads of 30 chunks 10 ms apart: 0.29 s each, 0.87 s one after another.
    const servers = await Promise.all([1, 2, 3].map(() => serve({ poem: Buffer.alloc(300, 'x'), delay: 0.01 })));
    const slowest = 0.29 * 1000;
    const sum = 3 * slowest;
    const started = monotonicMs();
    const poems = await Promise.all(servers.map((server) => wholePoem(getPoetry(server.address))));
    const elapsed = monotonicMs() - started;
    expect(poems.map((poem) => poem.byteLength)).toEqual([300, 300, 300]);
    expect(elapsed).toBeGreaterThanOrEqual(slowest * 0.95);
    expect(elapsed).toBeLessThan((slowest + sum) / 2); // much nearer the slowest than the sum
  });

  it('downloads from 2000 connections at once', async () => {
    const small = smallPoemFile();
    const server = await spawnServer(['--num-bytes', '10', '--delay', '0.01', '--quiet', small.path]);
    try {
      const address = { host: '127.0.0.1', port: server.port };
      const outcomes = await Promise.all(
        Array.from({ length: 2000 }, () => outcome(getPoetry(address).pipe(idleTimeout(10)))),
      );
      const whole = outcomes.filter((outcome) => outcome.ok && Buffer.from(outcome.poem).equals(small.bytes));
      expect(whole).toHaveLength(2000);
    } finally {
      await server.close();
    }
  }, 30_000);

  it('closes the socket when the timeout operator fires, so the server sees the client leave', async () => {
    const server = await serve({ poem: poem('science.txt'), fault: { kind: 'stall', afterBytes: 20 } });
    const left = nextEnd(server);
    await expect(wholePoem(getPoetry(server.address).pipe(idleTimeout(0.05)))).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    // 'stalled' is the server's word for a stalled connection that closed; the server is still up, so the client closed it.
    expect((await left).outcome).toBe('stalled');
    expect(server.connections).toBe(0);
  });

  it('fails a stalled download with ETIMEDOUT, closes the socket and lets the process exit', async () => {
    const server = await spawnServer(['--num-bytes', '10', '--delay', '0.005', '--quiet', '--stall-after', '30', poemPath('science.txt')]);
    try {
      const run = await runScript(`
        const { getPoetry, idleTimeout } = await import(${JSON.stringify(distIndex)});
        getPoetry({ host: '127.0.0.1', port: ${server.port} }).pipe(idleTimeout(0.2))
          .subscribe({ error: (err) => console.log(err.code) });
      `);
      expect(run.stdout.trim()).toBe('ETIMEDOUT');
      expect(run.code).toBe(0);
      // The server keeps the connection open forever: only a closed socket lets the script end.
      expect(run.ms).toBeLessThan(5000);
    } finally {
      await server.close();
    }
  });

  it('keeps the event loop responsive during the downloads', async () => {
    const servers = await Promise.all([1, 2, 3].map(() => serve({ poem: poem('ecstasy.txt'), numBytes: 30, delay: 0.002 })));
    const probe = startLoopProbe(2);
    const poems = await Promise.all(servers.map((server) => wholePoem(getPoetry(server.address))));
    const stats = probe.stop();
    expect(poems.every((bytes) => Buffer.from(bytes).equals(poem('ecstasy.txt')))).toBe(true);
    expect(stats.wallMs).toBeGreaterThan(150); // the downloads did take a while…
    expect(stats.maxDelayMs).toBeLessThan(100); // …and no timer ever waited long for its turn
  });
});
