// Memory, object by object: what each client keeps per download, beyond the
// plain node:net floor. The scale case measures memory per connection (peak RSS);
// this case says what it is made of.
//
// Every Node client that runs its downloads on the event loop opens N downloads
// of the scale case's 100-byte poem from a server that sends the first 90 bytes
// (nine chunks of ten) and then nothing more, so every client is caught at the
// same point: all connected, nine chunks in, none over. Once the server has sent
// every connection its 90 bytes (and a moment later, for the client to read
// them), the client writes a heap snapshot (`node --heapsnapshot-signal`), and
// its objects are counted by kind. The same again with one download; the
// difference, divided by N − 1, is what one more download costs, whatever the
// client allocated once (its modules, compiled code).
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { ownGroup, removeFolder, temporaryFolder } from '@slow-poetry/cli-kit';

import { startStatsServer, type StatsServer } from '../servers.js';
import { floorClientPath, type BenchClient } from '../stages.js';
import { scaleDelay, scaleNumBytes, scalePoemBytes } from './scale.js';

/** The downloads each client holds open while its heap is counted. */
export const heapDownloads = 2_000;
/** Bytes the server sends before it stalls: all of the poem's chunks but the last… */
export const heapStallAfter = scalePoemBytes - scaleNumBytes;
/** …that is, this many chunks in. */
export const heapChunksIn = heapStallAfter / scaleNumBytes;

export interface HeapKind {
  /** A constructor's name (`Promise`, `Buffer`), or `closures`, `arrays`, `strings`, `compiled code`… */
  kind: string;
  /** Per download. */
  count: number;
  bytes: number;
}

export interface HeapRow {
  client: BenchClient;
  /** Heap bytes per download (the snapshot's self sizes, all objects). */
  bytes: number;
  /** Per download, by kind, largest first. */
  kinds: HeapKind[];
}

export interface HeapResult {
  n: number;
  rows: HeapRow[];
  skipped: string[];
}

/** The clients this case can count: Node processes whose thread is free to write the snapshot. */
export function heapClients(clients: BenchClient[]): { clients: BenchClient[]; skipped: string[] } {
  const chosen: BenchClient[] = [];
  const skipped: string[] = [];
  for (const client of clients) {
    if (client.command !== undefined) skipped.push(`${client.label}: not a Node process (no V8 heap snapshot)`);
    else if (client.stage?.holdsThread === true || !client.concurrent)
      skipped.push(`${client.label}: holds its thread while it waits, so it cannot write a snapshot mid-download`);
    else chosen.push(client);
  }
  return { clients: chosen, skipped };
}

export async function heapCensus(all: BenchClient[], n: number, log: (line: string) => void): Promise<HeapResult> {
  const { clients, skipped } = heapClients(all);
  const dir = temporaryFolder('slow-poetry-bench-heap-');
  const poemFile = join(dir, 'poem.txt');
  writeFileSync(poemFile, Buffer.alloc(scalePoemBytes, '.'));
  const server = await startStatsServer({
    poemFile,
    numBytes: scaleNumBytes,
    delay: scaleDelay, // the tutorial's pace, as in the scale case: each chunk its own read
    backlog: 4096,
    fault: { kind: 'stall', afterBytes: heapStallAfter },
  });
  const rows: HeapRow[] = [];
  try {
    for (const client of clients) {
      const one = await snapshotAt(client, 1, server);
      const many = await snapshotAt(client, n, server);
      const kinds = [...new Set([...one.keys(), ...many.keys()])]
        .map((kind): HeapKind => {
          const [a, b] = [one.get(kind) ?? { count: 0, bytes: 0 }, many.get(kind) ?? { count: 0, bytes: 0 }];
          return { kind, count: (b.count - a.count) / (n - 1), bytes: (b.bytes - a.bytes) / (n - 1) };
        })
        .sort((a, b) => b.bytes - a.bytes);
      const bytes = kinds.reduce((sum, kind) => sum + kind.bytes, 0);
      rows.push({ client, bytes, kinds });
      log(`heap ${client.label}: ${(bytes / 1024).toFixed(1)} KB per download`);
    }
    return { n, rows, skipped };
  } finally {
    await server.close();
    removeFolder(dir);
  }
}

type Census = Map<string, { count: number; bytes: number }>;

/** Run `client` with `n` downloads until the server has stalled them all, snapshot its heap, count it. */
async function snapshotAt(client: BenchClient, n: number, server: StatsServer): Promise<Census> {
  const cwd = temporaryFolder('slow-poetry-bench-heap-run-');
  const entry = client.stage?.launcher ?? floorClientPath;
  const addresses = Array.from({ length: n }, () => String(server.port));
  const args = ['--heapsnapshot-signal=SIGUSR2', entry, ...client.extraArgs, '--quiet', '--timeout', '60', ...addresses];
  await server.stats(); // its counters start afresh at each request: from here on, they count this client's chunks
  const child = ownGroup(spawn(process.execPath, args, { cwd, stdio: 'ignore', detached: true }));
  try {
    let chunks = 0;
    const deadline = performance.now() + 60_000;
    const chunksDue = n * heapChunksIn;
    while (chunks < chunksDue) {
      if (performance.now() > deadline)
        throw new Error(`${client.label}: the server sent ${chunks} of ${chunksDue} chunks in 60 s`);
      if (child.exitCode !== null) throw new Error(`${client.label} exited (status ${child.exitCode}) before its snapshot`);
      await sleep(200);
      chunks += (await server.stats()).chunks;
    }
    await sleep(500); // for the client to read the last of them
    child.kill('SIGUSR2');
    return countHeap(await snapshotFile(cwd, client.label));
  } finally {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
    removeFolder(cwd);
  }
}

/** The snapshot's path, once the client has finished writing it (its size stays put). */
async function snapshotFile(dir: string, label: string): Promise<string> {
  let last = -1;
  for (let waited = 0; waited < 60_000; waited += 250) {
    await sleep(250);
    const name = readdirSync(dir).find((file) => file.endsWith('.heapsnapshot'));
    if (name === undefined) continue;
    const size = statSync(join(dir, name)).size;
    if (size > 0 && size === last) return join(dir, name);
    last = size;
  }
  throw new Error(`${label} wrote no heap snapshot in 60 s`);
}

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Self sizes and counts by kind of object. */
export function countHeap(path: string): Census {
  const { snapshot, nodes, strings } = JSON.parse(readFileSync(path, 'utf8')) as Snapshot;
  const fields = snapshot.meta.node_fields;
  const types = snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((field) => fields.indexOf(field)) as [
    number,
    number,
    number,
  ];
  const census: Census = new Map();
  for (let i = 0; i < nodes.length; i += fields.length) {
    const kind = kindOf(types[nodes[i + typeAt]!]!, strings[nodes[i + nameAt]!]!);
    const entry = census.get(kind) ?? { count: 0, bytes: 0 };
    entry.count += 1;
    entry.bytes += nodes[i + sizeAt]!;
    census.set(kind, entry);
  }
  return census;
}

/** A name a reader knows: the constructor for objects, one bucket for closures, arrays, strings… */
function kindOf(type: string, name: string): string {
  switch (type) {
    case 'closure':
      return 'closures';
    case 'array':
      return 'arrays';
    case 'string':
    case 'concatenated string':
    case 'sliced string':
      return 'strings';
    case 'code':
      return 'compiled code';
    case 'number':
      return 'numbers';
    case 'object':
    case 'hidden':
    case 'native':
    case 'synthetic':
      // V8's internal objects are named `system / Context`, `system / PromiseReaction`…
      return name.replace(/^system \/ /, '').replace(/^Node \/ /, '');
    default:
      return type;
  }
}
