// pnpm exercise, on a real stage's real exercise and as a user runs it.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { closeServers, poem, serve, sleep } from '@slow-poetry/test-kit';
import type { SlowServer } from '@slow-poetry/slow-server';
import { afterAll, describe, expect, it } from 'vitest';

import { buildExercise, findExercise, findExercises } from '../src/index.js';

const launcher = fileURLToPath(new URL('../bin/slow-poetry-exercise.js', import.meta.url));
const run = (args: string[]): { status: number | null; stdout: string; stderr: string } =>
  spawnSync(process.execPath, [launcher, ...args], { encoding: 'utf8' });
const nextFault = (server: SlowServer): Promise<unknown> => once(server, 'fault');
const scratch = mkdtempSync(join(tmpdir(), 'exercise-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('pnpm exercise', () => {
  // The first exercise that changes a stage's src/get-poetry.ts, which these tests look at.
  const first = findExercises().find((e) => e.patch.includes('--- a/src/get-poetry.ts'))!;

  it('finds the exercises in the stages, each with the title its patch opens with', () => {
    expect(findExercises().map((e) => e.name)).toContain(first.name);
    expect(first.title.length).toBeGreaterThan(0);
    expect(first.patch).toContain('diff --git');
    expect(run(['--list']).stdout).toContain(first.name);
  });

  it('prints the change itself with --diff, and exits 0', () => {
    const result = run([String(first.stage.stage), first.name, '--diff']);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(first.patch);
    expect(result.stdout.split('\n')[0]!.trim()).toBe(first.title); // the patch's first line is its title
    // A change in git's format, whatever file the exercise changes.
    expect(result.stdout).toMatch(/^diff --git a\/(\S+) b\/\1$/m);
    expect(result.stdout).toMatch(/^--- a\/\S+$/m);
    expect(result.stdout).toMatch(/^\+\+\+ b\/\S+$/m);
  });

  it('applies a patch to a scratch copy and builds it there, leaving the stage as it was', () => {
    const stageFile = (file: string): string => readFileSync(join(first.stage.dir, file), 'utf8');
    const before = stageFile('src/get-poetry.ts');
    const built = buildExercise(first, scratch);
    const added = first.patch
      .split('\n')
      .filter((line) => line.startsWith('+') && !line.startsWith('+++'))
      .map((line) => line.slice(1).trim());
    const patched = readFileSync(join(built.dir, 'src', 'get-poetry.ts'), 'utf8');
    for (const line of added) expect(patched).toContain(line);
    expect(readFileSync(join(built.dir, 'dist', 'get-poetry.js'), 'utf8').length).toBeGreaterThan(0);
    expect(stageFile('src/get-poetry.ts')).toBe(before);
  }, 60_000);

  it('says in one line when a patch no longer applies', () => {
    // A context line of the patch that the stage no longer has: the stage changed under the exercise.
    const context = first.patch.split('\n').find((line) => line.startsWith(' ') && line.trim().length > 3)!;
    const stale = { ...first, patch: first.patch.replace(context, `${context} // changed since`) };
    expect(() => buildExercise(stale, join(scratch, 'stale'))).toThrow(/^the patch .* does not apply to stage \d+ any more: /);
  }, 60_000);

  it('refuses an unknown stage or exercise in one line with exit status 2', () => {
    for (const args of [['99', 'x'], [String(first.stage.stage), 'no-such-exercise'], [String(first.stage.stage)]]) {
      const result = run(args);
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/^slow-poetry-exercise: .+\n$/);
    }
    expect(() => findExercise('99', 'x')).toThrow("there is no stage '99' (try --list)");
  });

  it('waits for the patched client, whose Ctrl-C is its own: its summary and its exit status come through', async () => {
    // An exercise of a stage that catches Ctrl-C, run as `pnpm exercise` runs it; the
    // terminal's Ctrl-C goes to the whole process group, launcher and client alike.
    const exercise = findExercises().find(
      (e) => !e.stage.holdsThread && e.run === e.stage.launcher.slice(e.stage.dir.length + 1),
    )!;
    // The launcher builds under the system's temporary folder (os.tmpdir(), which follows TMPDIR):
    // this file's scratch folder here, so that the copy it keeps for the learner goes with it.
    buildExercise(exercise, join(scratch, 'slow-poetry-exercises')); // built beforehand, so that the run below starts at once
    const server = await serve({ poem: poem('ecstasy.txt'), fault: { kind: 'stall', afterBytes: 30 } });
    const child = spawn(
      process.execPath,
      [launcher, String(exercise.stage.stage), exercise.name, '--quiet', String(server.port)],
      {
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, TMPDIR: scratch },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    await nextFault(server);
    await sleep(300);
    process.kill(-child.pid!, 'SIGINT');
    const [code] = (await once(child, 'close')) as [number | null];
    expect(stdout).toMatch(/interrupted \(EINTERRUPTED\): SIGINT/);
    expect(stdout).toMatch(/^Got 0 poems in .*; 1 task failed$/m);
    expect(code).toBe(130);
    // The scratch copy: slow-poetry-exercises/<stage folder>-<name> in the temporary folder.
    const copy = join(scratch, 'slow-poetry-exercises', `${basename(exercise.stage.dir)}-${exercise.name}`);
    expect(stderr).toContain(`running ${join(copy, exercise.run)}\n`);
    await closeServers();
  }, 60_000);
});
