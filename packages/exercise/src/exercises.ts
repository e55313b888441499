// An exercise that changes a stage's code is kept as exactly that change: a
// patch, `packages/<stage>/exercises/<name>.patch`, made with `git diff` inside
// the stage's folder. Never a second copy of the stage, never an option added
// to the lesson's code just for the exercise: the stage stays the lesson, and
// the patch is the experiment.
//
// To try one, the stage is copied to a scratch folder outside the repository,
// the patch is applied there (`git apply`), the copy is built (`tsc`) and its
// client run. The copy finds its dependencies through a link to the stage's own
// node_modules, so it runs exactly as the stage does, but for the change.
//
// The lines of a patch before its first `diff --git` say what it is: the first
// is its title; a line `Run: dist/some-script.js` names what to run instead of
// the stage's client.
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

import { UsageError } from '@slow-poetry/cli-kit';
import { findStages, type StagePackage } from '@slow-poetry/test-kit/stages';

export interface Exercise {
  stage: StagePackage;
  /** e.g. 'blocking-sockets' (the patch's file name). */
  name: string;
  /** The patch's first line. */
  title: string;
  patch: string;
  /** What to run in the built copy, relative to it: the stage's launcher unless the patch says `Run: …`. */
  run: string;
}

/** Every exercise of every stage, in stage order, then by name. */
export function findExercises(packagesDir?: string): Exercise[] {
  return findStages(packagesDir).flatMap((stage) => {
    const dir = join(stage.dir, 'exercises');
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((file) => file.endsWith('.patch'))
      .sort()
      .map((file) => readExercise(stage, file.slice(0, -'.patch'.length)));
  });
}

/** One exercise, by stage (its number or its folder's name) and name; a UsageError that lists what there is otherwise. */
export function findExercise(stageName: string, name: string, packagesDir?: string): Exercise {
  const all = findExercises(packagesDir);
  const stage = findStages(packagesDir).find((s) => String(s.stage) === stageName || basename(s.dir) === stageName);
  if (stage === undefined) throw new UsageError(`there is no stage '${stageName}' (try --list)`);
  const exercise = all.find((e) => e.stage.dir === stage.dir && e.name === name);
  if (exercise === undefined) {
    const names = all.filter((e) => e.stage.dir === stage.dir).map((e) => e.name);
    throw new UsageError(
      `stage ${stage.stage} has no exercise '${name}' (${names.length > 0 ? `it has: ${names.join(', ')}` : 'it has none'})`,
    );
  }
  return exercise;
}

function readExercise(stage: StagePackage, name: string): Exercise {
  const patch = readFileSync(join(stage.dir, 'exercises', `${name}.patch`), 'utf8');
  const header = patch.slice(0, Math.max(0, patch.indexOf('diff --git'))).split('\n');
  const run = header
    .find((line) => line.startsWith('Run: '))
    ?.slice('Run: '.length)
    .trim();
  const launcher = stage.launcher.slice(stage.dir.length + 1);
  return { stage, name, title: header[0]?.trim() ?? name, patch, run: run ?? launcher };
}

export interface BuiltExercise {
  exercise: Exercise;
  /** The scratch copy, patched and built. */
  dir: string;
  /** The file to run with node. */
  entry: string;
}

/**
 * Copy the stage to a scratch folder, apply the exercise's patch, build the
 * copy. Throws an Error that says which step failed (a patch that no longer
 * applies means the stage changed under it: the exercise must be brought up to date).
 *
 * The copy goes to `<scratchRoot>/<stage folder>-<name>`, replacing the last
 * build there, so `pnpm exercise` keeps one copy per exercise for the learner
 * to look at. Two builds of one exercise under one root at the same time would
 * overwrite each other: tests give each file a root of its own.
 */
export function buildExercise(exercise: Exercise, scratchRoot = join(tmpdir(), 'slow-poetry-exercises')): BuiltExercise {
  const { stage } = exercise;
  const dir = join(scratchRoot, `${basename(stage.dir)}-${exercise.name}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const entry of readdirSync(stage.dir)) {
    if (['node_modules', 'dist', '.turbo', 'exercises'].includes(entry)) continue;
    cpSync(join(stage.dir, entry), join(dir, entry), { recursive: true });
  }
  symlinkSync(join(stage.dir, 'node_modules'), join(dir, 'node_modules'), 'dir');
  // The copy's tsconfig finds the repository's base config and Node's types by
  // relative paths that do not lead anywhere from the scratch folder: make them absolute.
  const root = join(stage.dir, '..', '..');
  for (const config of ['tsconfig.json', 'tsconfig.build.json']) {
    const path = join(dir, config);
    if (!existsSync(path)) continue;
    const json = JSON.parse(readFileSync(path, 'utf8')) as { extends?: string; compilerOptions?: Record<string, unknown> };
    json.extends = join(root, 'tsconfig.base.json');
    json.compilerOptions = { ...json.compilerOptions, typeRoots: [join(root, 'node_modules', '@types')] };
    writeFileSync(path, JSON.stringify(json, null, 2));
  }
  const patchFile = join(dir, `${exercise.name}.patch`);
  writeFileSync(patchFile, exercise.patch);
  try {
    execFileSync('git', ['apply', patchFile], { cwd: dir, stdio: 'pipe' });
  } catch (error) {
    throw new Error(`the patch ${exercise.name}.patch does not apply to stage ${stage.stage} any more: ${firstLine(error)}`, {
      cause: error,
    });
  } finally {
    rmSync(patchFile, { force: true });
  }
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.build.json')], { cwd: dir, stdio: 'pipe' });
  } catch (error) {
    throw new Error(`the patched copy of stage ${stage.stage} does not build: ${firstLine(error)}`, { cause: error });
  }
  return { exercise, dir, entry: join(dir, exercise.run) };
}

function firstLine(error: unknown): string {
  const { stdout, stderr, message } = error as { stdout?: Buffer; stderr?: Buffer; message?: string };
  const text = `${stdout?.toString() ?? ''}${stderr?.toString() ?? ''}`.trim() || (message ?? String(error));
  return text.split('\n')[0] ?? text;
}

/**
 * Build several exercises of one stage at once, each in a Node process of its
 * own: a build copies the stage and runs tsc, which takes seconds, and separate
 * processes let the builds use every core instead of queueing in the caller's
 * thread. Resolves with each exercise's entry point, by name.
 */
export async function buildExercises(stageName: string, names: string[], scratchRoot?: string): Promise<Record<string, string>> {
  const self = new URL('./index.js', import.meta.url).href;
  const built = await Promise.all(
    names.map(
      (name) =>
        new Promise<[string, string]>((resolve, reject) => {
          const source = `
            const { buildExercise, findExercise } = await import(${JSON.stringify(self)});
            const exercise = findExercise(${JSON.stringify(stageName)}, ${JSON.stringify(name)});
            process.stdout.write(buildExercise(exercise, ...${JSON.stringify(scratchRoot === undefined ? [] : [scratchRoot])}).entry);
          `;
          execFile(process.execPath, ['--input-type=module', '-e', source], (error, stdout, stderr) => {
            if (error)
              reject(
                new Error(`exercise ${stageName} ${name} did not build: ${stderr.trim() || error.message}`, { cause: error }),
              );
            else resolve([name, stdout]);
          });
        }),
    ),
  );
  return Object.fromEntries(built);
}
