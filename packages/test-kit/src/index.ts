// @slow-poetry/test-kit: what the stages' tests share. It imports vitest, so
// only test code should import it; the tools that only need to find the stages
// import `@slow-poetry/test-kit/stages`, which does not.
import { afterAll } from 'vitest';

import { removeScratchDirs } from './helpers.js';

// Vitest loads this module afresh for every test file (its default isolation),
// so this runs once each test file is done: its scratch folders go with it.
afterAll(removeScratchDirs);

export {
  describeEventLoopStage,
  describeStageContract,
  poemFiles,
  splitsACharacter,
  type ContractOptions,
  type StageUnderTest,
  type TaskOutcome,
} from './contract.js';
export { describeClientCli, type ClientCliUnderTest } from './cli-suite.js';
export {
  cliAt,
  closedPort,
  closeServers,
  connectedTasks,
  durationPattern,
  holdAfterConnect,
  nextEnd,
  openDescriptors,
  openSockets,
  poem,
  poemPath,
  processesMarked,
  readsOnAfterHangUp,
  runCli,
  runScript,
  scratchDir,
  serve,
  serveProcess,
  serveSceneProcesses,
  sleep,
  startCli,
  unansweredPort,
  until,
  type CliRun,
  type HeldClient,
  type SpawnWith,
  type StartedCli,
  type UnansweredPort,
} from './helpers.js';
export { makeToyStages, toySignature, type ToyMode, type ToySpec } from './toy-stages.js';
export { describeTaskGroupCli } from './task-group-suite.js';
