// The harness itself: if these fail, the matrix's verdicts mean nothing.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { makeToyStages } from '@slow-poetry/test-kit';
import { findStages, readStage } from '@slow-poetry/test-kit/stages';
import { afterAll, describe, expect, it } from 'vitest';

import { clientProgram, clientsOf, runBin, stackTraceLine } from '../src/index.js';

describe('the fault matrix harness', () => {
  const toys = makeToyStages([
    { stage: 1, mode: 'concurrent' },
    {
      stage: 2,
      mode: 'sequential',
      unbuilt: true,
      field: {
        variants: [
          { name: 'fast', args: ['--pace', 'fast'] },
          { name: 'slow', args: ['--pace', 'slow'], limit: { downloads: 10, why: 'a toy limit' } },
        ],
        badInput: { 'an unknown pace': ['--pace', 'never', '{port}'] },
      },
    },
  ]);
  afterAll(() => toys.remove());

  it('makes a row for each variant a stage declares, and says when a stage is not built', () => {
    const rows = findStages(toys.dir).flatMap(clientsOf);
    expect(rows.map((row) => [row.name, row.extraArgs, row.missing])).toEqual([
      ['stage 1 (toy concurrent)', [], undefined],
      ['stage 2 (toy sequential, fast)', ['--pace', 'fast'], 'get-poetry-toy-sequential is not built (no dist/cli.js)'],
      ['stage 2 (toy sequential, slow)', ['--pace', 'slow'], 'get-poetry-toy-sequential is not built (no dist/cli.js)'],
    ]);
  });

  it("adds a stage's own bad input to the common cases, with a closed port filled in", () => {
    const [row] = clientsOf(readStage(join(toys.dir, '2-toy-sequential'))!);
    const program = clientProgram(row!);
    const own = program.cases.find(([why]) => why === 'an unknown pace');
    expect(own?.[1].slice(0, 2)).toEqual(['--pace', 'never']);
    expect(own?.[1][2]).toMatch(/^\d+$/);
    expect(program.cases.length).toBeGreaterThan(20);
  });

  // Every stage runs its own row from its tests; this is the test that fails for
  // a stage that does not, so the matrix can never quietly leave one out.
  it('finds every stage in this repository running its row of the matrix from its own tests', () => {
    const stages = findStages();
    expect(stages.length).toBeGreaterThan(0);
    for (const stage of stages) {
      let test = '';
      try {
        test = readFileSync(join(stage.dir, 'test', 'fault-matrix.test.ts'), 'utf8');
      } catch {
        // reported below
      }
      expect(test, `${stage.dir}/test/fault-matrix.test.ts`).toMatch(
        /describeFaultMatrix\(new URL\('\.\.\/', import\.meta\.url\)\)/,
      );
    }
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
