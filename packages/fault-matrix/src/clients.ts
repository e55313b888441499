// The rows of the matrix: a client as the matrix runs it. Every stage comes
// once per variant its `slowPoetry` field declares (test-kit's stageClients);
// the reference client, a few dozen lines of plain node:net in test/fixtures,
// proves the matrix itself.
import { stageClients, type StagePackage } from '@slow-poetry/test-kit/stages';

export interface ClientUnderTest {
  /** e.g. 'stage 2 (select loop, poll)' */
  name: string;
  /** The name its usage errors start with, e.g. 'get-poetry-select'. */
  program: string;
  binPath: string;
  /** Put before the common options on every run. */
  extraArgs: string[];
  /** Its own options' bad values (the stage's `badInput`); `{port}` stands for a closed port. */
  badInput: Record<string, string[]>;
  /** Does it keep Node's thread while it waits? Then no signal handler can run until it returns. */
  holdsThread: boolean;
  /** Why it cannot run yet, if it cannot. */
  missing?: string;
}

export function clientsOf(stage: StagePackage): ClientUnderTest[] {
  const missing = stage.problem ?? (stage.built ? undefined : `${stage.bin} is not built (no dist/cli.js)`);
  return stageClients([stage]).map((client) => ({
    name: client.label,
    program: stage.bin,
    binPath: stage.launcher,
    extraArgs: client.variant.args,
    badInput: stage.badInput,
    holdsThread: stage.holdsThread,
    ...(missing === undefined ? {} : { missing }),
  }));
}
