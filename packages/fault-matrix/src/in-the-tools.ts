// The tools run every stage the same way, by what its `slowPoetry` field says.
// This is the check, from the stage's own tests, that they really can: compare
// runs it alone at speed 10, and what compare reports must hold — every poem
// whole, about its ideal (the sum one by one, the slowest all at once), and the
// event-loop column right for a client that holds its thread and one that does
// not; and the bench measures each of its variants, reading the same result
// record.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { benchClients, measureClient } from '@slow-poetry/bench';
import { compareLauncher, type Comparison } from '@slow-poetry/compare';
import { closeServers, poem, serve } from '@slow-poetry/test-kit';
import { stageLabel, type StagePackage } from '@slow-poetry/test-kit/stages';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

function runCompare(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [compareLauncher, ...args], { maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}

export function describeInTheTools(stage: StagePackage): void {
  describe(`${stageLabel(stage)} in the tools`, () => {
    let run: { code: number; stdout: string; stderr: string };
    let result: Comparison;
    beforeAll(async () => {
      const args = ['--packages', dirname(stage.dir), '--stages', String(stage.stage), '--speed', '10', '--json'];
      run = await runCompare(args);
      result = JSON.parse(run.stdout) as Comparison;
    }, 60_000);

    it('is run by compare, which finds its getPoetry declarations and gets every poem whole', () => {
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(result.failures).toEqual([]);
      expect(result.stages).toHaveLength(1);
      const [compared] = result.stages;
      expect(compared?.status).toBe('ran');
      expect(compared?.signature.length).toBeGreaterThan(0);
      expect(compared?.run?.tasks.every((task) => task.whole)).toBe(true);
    });

    it("is shown in the root README's table with the getPoetry that compare reads from its declarations", () => {
      const readme = readFileSync(join(dirname(stage.dir), '..', 'README.md'), 'utf8');
      const [signature] = result.stages[0]?.signature ?? [];
      expect(readme).toContain(`| ${stage.stage} ${stage.title} | \`${signature}\``);
    });

    it(`takes about ${stage.concurrent ? 'the slowest download (all at once)' : 'the sum of the downloads (one by one)'}`, () => {
      const [compared] = result.stages;
      expect(compared?.ideal).toBe(stage.concurrent ? 'max' : 'sum');
      expect(compared?.ratio).toBeGreaterThan(0.95);
      expect(compared?.ratio).toBeLessThan(1.6);
    });

    it(
      stage.holdsThread ? 'holds its thread for the whole run, as its field says' : 'leaves its thread free, as its field says',
      () => {
        const compared = result.stages[0]!;
        const { loop, totalMs } = compared.run!;
        if (stage.holdsThread) expect(loop!.maxDelayMs).toBeGreaterThan(0.8 * totalMs);
        else expect(loop!.maxDelayMs).toBeLessThan(0.25 * totalMs);
      },
    );

    afterAll(closeServers);
    it.each(benchClients([stage]).clients.map((client) => [client.label, client] as const))(
      'is measured by the bench as %s: every poem counted from its result record, with its CPU time and memory',
      async (_label, client) => {
        const server = await serve({ poem: poem('science.txt'), numBytes: 100, delay: 0.01 });
        const run = await measureClient(
          client,
          [1, 2, 3].map(() => String(server.port)),
          { timeout: 5, deadlineMs: 20_000 },
        );
        expect(run).toMatchObject({ code: 0, hung: false, poems: 3, failed: 0, bytes: 3 * poem('science.txt').byteLength });
        expect(run.ms).toBeGreaterThan(50); // 7 chunks, 10 ms apart
        expect(run.cpuSeconds).toBeGreaterThan(0);
        expect(run.maxRssKb).toBeGreaterThan(10_000);
      },
    );
  });
}
