// The clients the bench runs, as a table: every stage found in
// packages/*/package.json (its `slowPoetry` field, read by findStages in
// @slow-poetry/shared), each variant of a stage that has one (stage 2's pollers),
// and the plain node:net floor.
import { fileURLToPath } from 'node:url';

import { findStages, type StagePackage } from '@slow-poetry/shared';

export const benchDir = fileURLToPath(new URL('../', import.meta.url));
// From dist/ (where they run) and from src/ (tests) alike: the compiled helpers.
export const floorClientPath = fileURLToPath(new URL('../dist/floor-client.js', import.meta.url));
export const serverChildPath = fileURLToPath(new URL('../dist/server-child.js', import.meta.url));

export type Stage = StagePackage;

export const discoverStages = findStages;

export interface BenchClient {
  /** e.g. '2-poll', 'floor' */
  key: string;
  /** e.g. 'stage 2 (select loop, poll)' */
  label: string;
  /** Undefined for the floor. */
  stage?: Stage;
  concurrent: boolean;
  /** Options put before the common ones. */
  extraArgs: string[];
  /** Most descriptors it can wait on, if it has such a limit (select's FD_SETSIZE). */
  maxConnections?: number;
}

export const floorClient: BenchClient = {
  key: 'floor',
  label: 'plain node:net reader (floor)',
  concurrent: true,
  extraArgs: [],
};

export function benchClients(stages = discoverStages()): { clients: BenchClient[]; skipped: string[] } {
  const clients: BenchClient[] = [];
  const skipped: string[] = [];
  for (const stage of stages) {
    if (stage.problem !== undefined) {
      skipped.push(stage.problem);
      continue;
    }
    if (!stage.built) {
      skipped.push(`stage ${stage.stage} (${stage.title}): not built, no dist/cli.js`);
      continue;
    }
    const base = { stage, concurrent: stage.concurrent };
    if (stage.stage === 2) {
      // select(2) takes descriptors below FD_SETSIZE (1024) only; poll(2) has no such limit.
      clients.push({ ...base, key: '2-select', label: `stage 2 (${stage.title}, select)`, extraArgs: ['--poller', 'select'], maxConnections: 1000 });
      clients.push({ ...base, key: '2-poll', label: `stage 2 (${stage.title}, poll)`, extraArgs: ['--poller', 'poll'] });
    } else {
      clients.push({ ...base, key: String(stage.stage), label: `stage ${stage.stage} (${stage.title})`, extraArgs: [] });
    }
  }
  return { clients, skipped };
}
