// The clients the bench runs, as a table: every stage found in
// packages/*/package.json (findStages in @slow-poetry/test-kit/stages), once per
// variant its `slowPoetry` field declares, the plain node:net floor and the keeper.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { findStages, stageClients, type StagePackage } from '@slow-poetry/test-kit/stages';

export const benchDir = fileURLToPath(new URL('../', import.meta.url));
// From dist/ (where they run) and from src/ (tests) alike: the compiled helpers.
export const floorClientPath = fileURLToPath(new URL('../dist/floor-client.js', import.meta.url));
export const serverChildPath = fileURLToPath(new URL('../dist/server-child.js', import.meta.url));
export const usagePreloadPath = fileURLToPath(new URL('../dist/usage-preload.js', import.meta.url));

export interface BenchClient {
  /** e.g. '2-poll', 'floor' */
  key: string;
  /** e.g. 'stage 2 (select loop, poll)' */
  label: string;
  /** Undefined for the floor. */
  stage?: StagePackage;
  concurrent: boolean;
  /** Options put before the common ones. */
  extraArgs: string[];
  /** The most downloads at once it can run, and why (a variant's declared limit). */
  limit?: { downloads: number; why: string };
  /** A client that is not a Node script (a peer in another language): its command line. */
  command?: string[];
  /** A peer: what a user would pick instead, in another language; measured, not held to the targets. */
  peer?: boolean;
}

const peersDir = fileURLToPath(new URL('../peers/', import.meta.url));

/**
 * The peers, written here in a few dozen lines each (peers/): Python's asyncio,
 * and Twisted's reactor, the tutorial's own. Each is run when its runtime is
 * on the machine, and skipped with a note that says how to get it otherwise.
 */
export function peerClients(): { clients: BenchClient[]; skipped: string[] } {
  const peers = [
    {
      key: 'asyncio',
      label: 'Python asyncio (peer)',
      python: 'python3',
      check: 'import asyncio; asyncio.timeout',
      missing: 'python3 3.11 or later is not on the PATH',
      file: 'asyncio_client.py',
    },
    {
      key: 'twisted',
      label: 'Twisted 22 epoll reactor (peer)',
      python: '/usr/bin/python3',
      check: 'import twisted.internet.epollreactor',
      missing: '/usr/bin/python3 has no Twisted (Debian: apt-get install python3-twisted)',
      file: 'twisted_client.py',
    },
  ];
  const clients: BenchClient[] = [];
  const skipped: string[] = [];
  for (const peer of peers) {
    const probe = spawnSync(peer.python, ['-c', peer.check], { stdio: 'ignore' });
    if (probe.status !== 0) {
      skipped.push(`${peer.label}: ${peer.missing}`);
      continue;
    }
    clients.push({
      key: peer.key,
      label: peer.label,
      concurrent: true,
      extraArgs: [],
      command: [peer.python, peersDir + peer.file],
      peer: true,
    });
  }
  return { clients, skipped };
}

export const floorClient: BenchClient = {
  key: 'floor',
  label: 'plain node:net reader (floor)',
  concurrent: true,
  extraArgs: [],
};

/**
 * The floor's client with --keep: it keeps each poem as its chunks and joins it
 * once, as every stage must. Measured beside the floor (not instead of it): the
 * two differ by what keeping the poem costs, whatever the model.
 */
export const keeperClient: BenchClient = {
  key: 'keeper',
  label: 'plain node:net client keeping each poem',
  concurrent: true,
  extraArgs: ['--keep'],
};

export function benchClients(stages = findStages()): { clients: BenchClient[]; skipped: string[] } {
  const clients: BenchClient[] = [];
  const skipped: string[] = [];
  for (const client of stageClients(stages)) {
    const { stage, variant } = client;
    if (stage.problem !== undefined) {
      if (!skipped.includes(stage.problem)) skipped.push(stage.problem);
      continue;
    }
    if (!stage.built) {
      skipped.push(`${client.label}: not built, no dist/cli.js`);
      continue;
    }
    clients.push({
      key: client.key,
      label: client.label,
      stage,
      concurrent: stage.concurrent,
      extraArgs: variant.args,
      ...(variant.limit === undefined ? {} : { limit: variant.limit }),
    });
  }
  return { clients, skipped };
}
