// Which clients exist: every package whose package.json has a `slowPoetry` field
// is a stage (findStages in @slow-poetry/shared reads them). The matrix is a table
// over this list, so a new stage (or one that lands late) is picked up without
// editing any test.
import { defaultPackagesDir, findStages, type StagePackage } from '@slow-poetry/shared';

export const packagesDir = defaultPackagesDir;

export type Stage = StagePackage;

export function discoverStages(): Stage[] {
  return findStages(packagesDir);
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
  return stages.flatMap((stage) => {
    const missing = stage.problem ?? (stage.built ? undefined : `${stage.bin} is not built (no dist/cli.js)`);
    return (variants[stage.stage] ?? [[]]).map((extraArgs) => ({
      name: `stage ${stage.stage} (${[stage.title, ...(extraArgs.length ? [extraArgs.join(' ')] : [])].join(', ')})`,
      binPath: stage.launcher,
      extraArgs,
      concurrent: stage.concurrent,
      ...(missing === undefined ? {} : { missing }),
    }));
  });
}
