// The rewrite to async/await is mechanical: four words replaced, nothing else.
import { readFileSync } from 'node:fs';

import type { Address } from '@slow-poetry/shared';
import { closedPort, closeServers, poem, serve, type TaskOutcome } from '@slow-poetry/test-kit';
import { afterEach, describe, expect, it } from 'vitest';

import { getPoetry as getPoetryAsync } from '../src/get-poetry-async.js';
import { getPoetry } from '../src/get-poetry.js';
import { run } from '../src/run.js';

const source = (file: string): string => readFileSync(new URL(`../src/${file}`, import.meta.url), 'utf8');

/** From the line that starts getPoetry to the end of the file: getPoetry and its helpers. */
const fromGetPoetry = (text: string, start: string): string => {
  const at = text.indexOf(start);
  expect(at).toBeGreaterThan(0);
  return text.slice(at);
};

const rewrite: Array<[RegExp, string]> = [
  [/\bfunction\* /g, 'async function '],
  [/\byield\b/g, 'await'],
  [/\bCoroutine\b/g, 'Promise'],
  [/\bFuture\b/g, 'Promise'],
];

const generatorVersion = fromGetPoetry(source('get-poetry.ts'), 'export function* getPoetry(');
const asyncVersion = fromGetPoetry(source('get-poetry-async.ts'), 'export async function getPoetry(');

const outcomeOf = (poem: Promise<Uint8Array>): Promise<TaskOutcome> =>
  poem.then(
    (poem) => ({ ok: true, poem }),
    (error: Error & { code?: string }) => ({ ok: false, error }),
  );

/** The coroutine, run, its Task turned into a promise: a Future and a Promise have the same shape. */
const viaGenerator = (address: Address, maxBytes?: number): Promise<TaskOutcome> =>
  outcomeOf(new Promise((resolve, reject) => run(getPoetry(address, { maxBytes })).whenDone(resolve, reject)));
const viaAsync = (address: Address, maxBytes?: number): Promise<TaskOutcome> => outcomeOf(getPoetryAsync(address, { maxBytes }));
const summary = (outcome: TaskOutcome): string =>
  outcome.ok ? Buffer.from(outcome.poem).toString('hex') : (outcome.error.code ?? outcome.error.message);

describe('the rewrite from a generator and run() to async/await', () => {
  afterEach(closeServers);

  it('is mechanical: replacing four words in get-poetry.ts gives get-poetry-async.ts, from getPoetry to the end', () => {
    let rewritten = generatorVersion;
    for (const [word, replacement] of rewrite) rewritten = rewritten.replace(word, replacement);
    expect(rewritten).toBe(asyncVersion);
    expect(generatorVersion).toMatch(/\byield\b/); // …and there was something to replace
  });

  it('gives the same poems and the same errors either way', async () => {
    const servers = await Promise.all([
      serve({ poem: poem('alla-sera.txt'), numBytes: 7, delay: 0.002 }),
      serve({ poem: poem('science.txt'), fault: { kind: 'reset', afterBytes: 50 } }),
      serve({ poem: poem('science.txt'), endless: true, numBytes: 100, delay: 0.001 }),
    ]);
    const addresses = [...servers.map((server) => server.address), { host: '127.0.0.1', port: await closedPort() }];
    for (const fetch of [viaGenerator, viaAsync]) {
      const outcomes = await Promise.all(addresses.map((address) => fetch(address, 1000)));
      expect(outcomes.map(summary)).toEqual([
        poem('alla-sera.txt').toString('hex'),
        'ECONNRESET',
        'EPOEMTOOLONG',
        'ECONNREFUSED',
      ]);
    }
  });
});
