import { describe, expect, it } from 'vitest';

import { describeEventLoopStage, describeStageContract, poemFiles, splitsACharacter, type TaskOutcome } from '../src/contract.js';
import { referenceFetchAll, referenceGetPoetry } from './reference-stage.js';

describeStageContract({ name: 'the reference stage', fetchAll: referenceFetchAll });
describeEventLoopStage({ name: 'the reference stage', fetchAll: referenceFetchAll });

// The contract must be able to fail: a stage that corrupts a poem is caught.
describeStageContract(
  {
    name: 'a broken stage that adds a stray byte (every scenario must fail)',
    fetchAll: async (addresses) =>
      (await referenceFetchAll(addresses)).map((o) => (o.ok ? { ok: true, poem: Buffer.concat([o.poem, Buffer.of(0x0a)]) } : o)),
  },
  { expectFailure: true },
);

// And so must the event-loop scenarios: a stage that holds the thread for 0.4 s
// (as a blocking call would) and fails every download past the 1,000th (as
// select() would) is caught by each of them.
describeEventLoopStage(
  {
    name: 'a broken stage that holds the thread and stops at 1,000 downloads (every scenario must fail)',
    fetchAll: async (addresses) => {
      const tooMany = Object.assign(new Error('too many downloads'), { code: 'EMFILE' });
      const downloads = referenceFetchAll(addresses.slice(0, 1000));
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 400);
      const beyond = addresses.slice(1000).map((): TaskOutcome => ({ ok: false, error: tooMany }));
      return [...(await downloads), ...beyond];
    },
  },
  { expectFailure: true },
);

describe('the contract suite helpers', () => {
  it('lists the four poems', () => {
    expect(poemFiles()).toEqual(['alla-sera.txt', 'ecstasy.txt', 'fascination.txt', 'science.txt']);
  });

  it('knows when a chunk size splits a UTF-8 character', () => {
    const bytes = new TextEncoder().encode('éa'); // c3 a9 61
    expect(splitsACharacter(bytes, 1)).toBe(true); // c3 | a9 61
    expect(splitsACharacter(bytes, 2)).toBe(false); // c3 a9 | 61
  });

  it('has a reference stage that really connects', async () => {
    await expect(referenceGetPoetry({ host: '127.0.0.1', port: 1 })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
