// A stage's whole row of the matrix, registered from the stage's own tests
// (test/fault-matrix.test.ts in every stage):
//
//   describeFaultMatrix(new URL('..', import.meta.url));
//
// Its client, once per variant, against every fault; its command line against
// every bad input (the common ones and those its field declares); and the tools
// running it. Turbo builds a stage before its tests, so the matrix never meets
// an unbuilt stage, and a new stage brings its row with it.
import { fileURLToPath } from 'node:url';

import { readStage } from '@slow-poetry/test-kit/stages';

import { clientProgram, describeBadInput } from './bad-input.js';
import { clientsOf } from './clients.js';
import { describeFaults } from './faults.js';
import { describeInTheTools } from './in-the-tools.js';
import { describeOwnOutput } from './own-output.js';

export function describeFaultMatrix(stageDir: string | URL): void {
  const dir = typeof stageDir === 'string' ? stageDir : fileURLToPath(stageDir);
  const stage = readStage(dir);
  if (stage === undefined) throw new Error(`${dir}: no package.json with a slowPoetry field`);
  if (stage.problem !== undefined) throw new Error(stage.problem);
  const clients = clientsOf(stage);
  describeFaults(clients);
  describeOwnOutput(clients);
  describeBadInput([clientProgram(clients[0]!)]); // the variants share one command line
  describeInTheTools(stage);
}
