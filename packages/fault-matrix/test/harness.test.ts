// The harness itself: if these fail, the matrix's verdicts mean nothing.
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { clientsUnderTest, discoverStages, runBin, stackTraceLine } from '../src/index.js';

describe('the fault matrix harness', () => {
  it('discovers the five stages, in order, from their package.json files', () => {
    const stages = discoverStages();
    expect(stages.map((stage) => stage.stage)).toEqual([1, 2, 3, 4, 5]);
    expect(stages.map((stage) => stage.bin)).toEqual([
      'get-poetry-blocking',
      'get-poetry-select',
      'get-poetry-callbacks',
      'get-poetry-promises',
      'get-poetry-rxjs',
    ]);
    expect(stages.filter((stage) => !stage.concurrent).map((stage) => stage.stage)).toEqual([1]);
  });

  // A stage that is not built has its rows skipped; this is the test that fails for it,
  // so the matrix can never pass without covering all five.
  it('finds every stage built, so that the matrix covers all five', () => {
    expect(clientsUnderTest().filter((client) => client.missing !== undefined).map((client) => client.missing)).toEqual([]);
  });

  it('tests stage 2 with both of its pollers', () => {
    const names = clientsUnderTest().map((client) => client.name);
    expect(names.filter((name) => name.startsWith('stage 2'))).toEqual([
      'stage 2 (select loop)',
      'stage 2 (select loop, --poller poll)',
    ]);
  });

  it('kills a process that outlives its deadline and reports it as hung', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fault-matrix-harness-'));
    try {
      const forever = join(dir, 'forever.mjs');
      writeFileSync(forever, 'console.log("waiting"); setInterval(() => {}, 1000);\n');
      const result = await runBin(forever, [], { deadlineMs: 300 });
      expect(result.hung).toBe(true);
      expect(result.signal).toBe('SIGKILL');
      expect(result.stdout).toBe('waiting\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('recognises a stack trace on stderr, and not a report line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fault-matrix-harness-'));
    try {
      const throws = join(dir, 'throws.mjs');
      writeFileSync(throws, 'throw new Error("boom");\n');
      const result = await runBin(throws, []);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(stackTraceLine);
      expect('Task 2: failed to get poetry from 127.0.0.1:9: connection refused (ECONNREFUSED)').not.toMatch(stackTraceLine);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
