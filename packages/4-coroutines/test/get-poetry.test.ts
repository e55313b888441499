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

import type { Future } from '../src/future.js';
import { getPoetry, type GetPoetryOptions } from '../src/get-poetry.js';
import { run } from '../src/run.js';

const distIndex = new URL('../dist/index.js', import.meta.url).href;

/** What a task settled with, as an outcome (a promise of it, for the tests to await). */
function outcomeOf(task: Future<Uint8Array>): Promise<TaskOutcome> {
  return new Promise((resolve) =>
    task.whenDone(
      (poem) => resolve({ ok: true, poem }),
      (error) => resolve({ ok: false, error: error as Error & { code?: string } }),
    ),
  );
}

const fetchOne = (address: Address, options: GetPoetryOptions = {}): Promise<TaskOutcome> =>
  outcomeOf(run(getPoetry(address, options)));

const stage: StageUnderTest = {
  name: 'stage 4 (coroutines)',
  fetchAll: (addresses) => Promise.all(addresses.map((address) => fetchOne(address))),
};
describeStageContract(stage);
describeEventLoopStage(stage);

afterEach(closeServers);

describe('getPoetry, a coroutine', () => {
  it('does nothing when called: the generator is a paused download, and run() starts it', async () => {
    const server = await serve({ poem: poem('science.txt') });
    let clients = 0;
    server.on('client', () => clients++);
    const paused = getPoetry(server.address);
    await sleep(50);
    expect(clients).toBe(0); // not even a connection
    const task = run(paused);
    const outcome = await outcomeOf(task);
    expect(clients).toBe(1);
    expect(outcome.ok && Buffer.from(outcome.poem).equals(poem('science.txt'))).toBe(true);
  });

  it('throws a refused connection in at its first yield: the task fails with ECONNREFUSED', async () => {
    const outcome = await fetchOne({ host: '127.0.0.1', port: await closedPort() });
    expect(outcome.ok ? 'poem' : outcome.error.code).toBe('ECONNREFUSED');
  });

  it('settles once per download, whatever the socket does afterwards', async () => {
    const reset = await serve({ poem: poem('science.txt'), fault: { kind: 'reset', afterBytes: 50 } });
    const stall = await serve({ poem: poem('science.txt'), fault: { kind: 'stall', afterBytes: 20 } });
    const endless = await serve({ poem: poem('science.txt'), endless: true, delay: 0.001, numBytes: 100 });
    const whole = await serve({ poem: poem('science.txt') });
    const outcomes: string[][] = [[], [], [], []];
    const tasks = [
      run(getPoetry(reset.address)),
      run(getPoetry(stall.address, { timeout: 0.05 })),
      run(getPoetry(endless.address, { maxBytes: 1000 })),
      run(getPoetry(whole.address)),
    ];
    tasks.forEach((task, i) =>
      task.whenDone(
        () => outcomes[i]!.push('poem'),
        (error) => outcomes[i]!.push((error as { code: string }).code),
      ),
    );
    await Promise.all(tasks.map(outcomeOf));
    for (const task of tasks) task.cancel(); // cancelling a task that is over changes nothing
    await sleep(150); // long enough for any late error, close or timeout to show up
    expect(outcomes).toEqual([['ECONNRESET'], ['ETIMEDOUT'], ['EPOEMTOOLONG'], ['poem']]);
  });

  it('closes the socket when its task is cancelled, so the server sees the client leave', async () => {
    await sleep(20); // let sockets from earlier tests finish closing
    const before = openSockets();
    const server = await serve({ poem: poem('ecstasy.txt'), delay: 0.01 });
    const left = nextEnd(server);
    let chunks = 0;
    const task = run(getPoetry(server.address, { onChunk: () => (++chunks === 2 ? task.cancel() : undefined) }));
    const outcome = await outcomeOf(task);
    expect(outcome.ok ? 'poem' : outcome.error).toMatchObject({ name: 'CancelledError', code: 'ECANCELLED' });
    expect(chunks).toBe(2);
    expect((await left).outcome).toBe('gone');
    await sleep(10);
    expect(openSockets()).toBeLessThanOrEqual(before);
  });

  it('closes the socket on a timeout too, so the server sees the client leave', async () => {
    const server = await serve({ poem: poem('science.txt'), fault: { kind: 'stall', afterBytes: 20 } });
    const left = nextEnd(server);
    const outcome = await fetchOne(server.address, { timeout: 0.05 });
    expect(outcome.ok ? 'poem' : outcome.error.code).toBe('ETIMEDOUT');
    expect((await left).outcome).toBe('stalled'); // the server is still up: the client closed it
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
    const script = await runScript(`
      const { getPoetry, run } = await import(${JSON.stringify(distIndex)});
      run(getPoetry({ host: '127.0.0.1', port: ${server.port} }, { timeout: 0.2 })).whenDone(() => {}, (err) => console.log(err.code));
    `);
    expect(script.stdout.trim()).toBe('ETIMEDOUT');
    // The server keeps the connection open forever: only a closed socket lets the script end (else the test times out).
    expect(script.code).toBe(0);
  });
});
