import { fileURLToPath } from 'node:url';

import { abortError } from '@slow-poetry/shared';
import { idealDuration, tutorialDelay, tutorialScene } from '@slow-poetry/slow-server';
import { cliAt, closeServers, poem, serve, sleep } from '@slow-poetry/test-kit';
import { afterEach, describe, expect, it } from 'vitest';

import { TaskGroup } from '../src/task-group.js';

/** A task that takes `ms` unless its signal aborts first (then it rejects with an AbortError, as getPoetry does). */
const work =
  (ms: number, log: string[], name: string) =>
  (signal: AbortSignal): Promise<string> =>
    new Promise((resolve, reject) => {
      log.push(`start ${name}`);
      const timer = setTimeout(() => {
        log.push(`end ${name}`);
        resolve(name);
      }, ms);
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        log.push(`abort ${name}`);
        reject(abortError(signal.reason));
      });
    });

const failing = (ms: number, log: string[], name: string) => async (): Promise<string> => {
  log.push(`start ${name}`);
  await sleep(ms);
  log.push(`fail ${name}`);
  throw Object.assign(new Error(`${name} failed`), { code: 'ECONNRESET' });
};

const settle = (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    (value) => `ok ${String(value)}`,
    (error: { code?: string; name?: string }) => `${error.name}${error.code ? ` ${error.code}` : ''}`,
  );

describe('TaskGroup, one cancellation scope over AbortSignal', () => {
  it('runs at most `concurrency` tasks at a time, starting them in order', async () => {
    const group = new TaskGroup<string>({ concurrency: 2 });
    const log: string[] = [];
    let running = 0;
    let most = 0;
    const counted = (ms: number, name: string) => async (signal: AbortSignal) => {
      most = Math.max(most, ++running);
      try {
        return await work(ms, log, name)(signal);
      } finally {
        running--;
      }
    };
    const results = await Promise.all(
      ['a', 'b', 'c', 'd', 'e'].map((name, i) => group.run(name, counted(10 + 10 * (i % 2), name))),
    );
    expect(results).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(most).toBe(2);
    expect(log.filter((line) => line.startsWith('start'))).toEqual(['start a', 'start b', 'start c', 'start d', 'start e']);
  });

  it('with failFast, cancels every other task at the first failure, saying which failed first just before', async () => {
    const log: string[] = [];
    const group = new TaskGroup<string>({
      failFast: true,
      concurrency: 2,
      beforeCancelling: (first) => log.push(`first failure: ${first}, aborted: ${group.cancelled}`),
    });
    const outcomes = Promise.all([
      settle(group.run('slow', work(5000, log, 'slow'))),
      settle(group.run('bad', failing(20, log, 'bad'))),
      settle(group.run('waiting', work(5000, log, 'waiting'))),
    ]);
    expect(await outcomes).toEqual(['AbortError ABORT_ERR', 'Error ECONNRESET', 'AbortError ABORT_ERR']);
    // The task that was waiting for its turn never started; the running one was aborted.
    expect(log).toEqual(['start slow', 'start bad', 'fail bad', 'first failure: bad, aborted: false', 'abort slow']);
  });

  it('without failFast, lets the others finish when one fails', async () => {
    const log: string[] = [];
    const group = new TaskGroup<string>({ beforeCancelling: () => log.push('never') });
    const outcomes = await Promise.all([
      settle(group.run('a', work(60, log, 'a'))),
      settle(group.run('bad', failing(10, log, 'bad'))),
    ]);
    expect(outcomes).toEqual(['ok a', 'Error ECONNRESET']);
    expect(group.cancelled).toBe(false);
    expect(log).not.toContain('never');
  });

  it('cancels every task, running or waiting, when cancel() is called (Ctrl-C)', async () => {
    const log: string[] = [];
    const group = new TaskGroup<string>({ concurrency: 1 });
    const outcomes = Promise.all([settle(group.run('a', work(5000, log, 'a'))), settle(group.run('b', work(5000, log, 'b')))]);
    await sleep(10);
    group.cancel();
    expect(await outcomes).toEqual(['AbortError ABORT_ERR', 'AbortError ABORT_ERR']);
    expect(log).toEqual(['start a', 'abort a']);
  });
});

describe("the CLI with --concurrency N, against the tutorial's three servers ten times faster", () => {
  const { runCli } = cliAt(fileURLToPath(new URL('../dist/cli.js', import.meta.url)));
  afterEach(closeServers);

  it('takes about the sum with 1 (as stage 1 does), about the second download plus the third with 2, about the slowest without', async () => {
    const delay = tutorialDelay / 10;
    const servers = await Promise.all(
      tutorialScene.map(({ poem: name, numBytes }) => serve({ poem: poem(name), numBytes, delay })),
    );
    const [ecstasy, fascination, science] = tutorialScene.map(({ poem: name, numBytes }) =>
      idealDuration(poem(name).byteLength, numBytes, delay),
    );
    const ports = servers.map((server) => String(server.port));
    const seconds = async (extra: string[]): Promise<number> => {
      const run = await runCli(['--json', ...extra, ...ports]);
      expect(run.code).toBe(0);
      return (JSON.parse(run.stdout) as { ms: number }).ms / 1000;
    };
    const [one, two, all] = await Promise.all([seconds(['--concurrency', '1']), seconds(['--concurrency', '2']), seconds([])]);
    const sum = ecstasy! + fascination! + science!;
    // One at a time: about the sum (at least the sum, at most half as much again).
    expect(one).toBeGreaterThanOrEqual(sum);
    expect(one).toBeLessThanOrEqual(1.5 * sum);
    // With 2: tasks 1 and 2 start; task 3 starts when task 2, the shorter, is over.
    expect(fascination! + science!).toBeGreaterThan(ecstasy!);
    expect(two).toBeGreaterThanOrEqual(fascination! + science!);
    // A client that started task 3 when task 1 ends would take ecstasy + science:
    // the bound is halfway between the two (14.2 s at the tutorial's pace).
    expect(two).toBeLessThan((fascination! + science! + (ecstasy! + science!)) / 2);
    expect(all).toBeGreaterThanOrEqual(ecstasy!);
    expect(all).toBeLessThan(fascination! + science!);
  });
});
