// Which clients exist: every package whose package.json has a `slowPoetry` field
// is a stage. The matrix and the bench are tables over this list, so a new stage
// (or one that lands late) is picked up without editing any test.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const packagesDir = join(repoRoot, 'packages');

export interface Stage {
  /** 1 to 5. */
  stage: number;
  /** e.g. 'select loop' */
  title: string;
  /** e.g. 'get-poetry-select' */
  bin: string;
  concurrent: boolean;
  /** The package's folder, e.g. /work/main/packages/2-select-loop */
  dir: string;
  /** The launcher to run with `node`. */
  binPath: string;
  /** False while the stage's dist/cli.js has not been built (or written) yet. */
  built: boolean;
}

interface SlowPoetryField {
  stage: number;
  title: string;
  bin: string;
  concurrent: boolean;
}

export function discoverStages(): Stage[] {
  const stages: Stage[] = [];
  for (const name of readdirSync(packagesDir)) {
    const manifest = join(packagesDir, name, 'package.json');
    if (!existsSync(manifest)) continue;
    const field = (JSON.parse(readFileSync(manifest, 'utf8')) as { slowPoetry?: SlowPoetryField }).slowPoetry;
    if (field === undefined) continue;
    const dir = join(packagesDir, name);
    stages.push({
      ...field,
      dir,
      binPath: join(dir, 'bin', `${field.bin}.js`),
      built: existsSync(join(dir, 'dist', 'cli.js')),
    });
  }
  return stages.sort((a, b) => a.stage - b.stage);
}

/** A client as the matrix runs it: a stage, maybe with options of its own (stage 2's poller). */
export interface ClientUnderTest {
  /** e.g. 'stage 2 (select loop, --poller poll)' */
  name: string;
  binPath: string;
  /** Put before the common options on every run. */
  extraArgs: string[];
  concurrent: boolean;
  /** Why it cannot run yet, if it cannot. */
  missing?: string;
}

/** Stage 2 waits with select(2) by default; `--poller poll` is the other way, and is tested too. */
const variants: Record<number, string[][]> = { 2: [[], ['--poller', 'poll']] };

export function clientsUnderTest(stages = discoverStages()): ClientUnderTest[] {
  return stages.flatMap((stage) =>
    (variants[stage.stage] ?? [[]]).map((extraArgs) => ({
      name: `stage ${stage.stage} (${[stage.title, ...(extraArgs.length ? [extraArgs.join(' ')] : [])].join(', ')})`,
      binPath: stage.binPath,
      extraArgs,
      concurrent: stage.concurrent,
      ...(stage.built ? {} : { missing: `${stage.bin} is not built (no dist/cli.js)` }),
    })),
  );
}
