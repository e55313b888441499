// What the fault cases share: servers that live only as long as one case, a
// scratch folder for --out, and the checks every run must pass.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { parseTrace } from '@slow-poetry/shared';
import { startServer, type ServerOptions, type SlowServer } from '@slow-poetry/slow-server';
import { connectedTasks, poem } from '@slow-poetry/test-kit';
import { expect } from 'vitest';

import { stackTraceLine, type Finished } from './run-bin.js';

/** A slow server whose connection's end is timed, for "did the client let go at once?". */
export interface TimedServer {
  server: SlowServer;
  /** `127.0.0.1:PORT` or `[::1]:PORT`, as a client's command line takes it. */
  address: string;
  /** performance.now() of each connection's end, in order. */
  endedAt: number[];
  /** Resolves at the first `fault` event (the server starts misbehaving). */
  faulted: Promise<void>;
}

/**
 * One test's servers and scratch folder. Servers run in the test's own process:
 * the client under test is a separate process, so even a blocking client cannot
 * stop them.
 */
export class Fixture {
  private readonly servers: SlowServer[] = [];
  readonly out = mkdtempSync(join(tmpdir(), 'fault-matrix-'));
  /** A place for --trace, beside the --out folder (a stage clears only its own files there, but keep them apart). */
  readonly trace = `${this.out}.trace.jsonl`;

  async serve(poemName: string, options: Partial<ServerOptions> = {}): Promise<TimedServer> {
    const server = await startServer({ poem: poem(poemName), numBytes: 7, delay: 0.005, ...options });
    this.servers.push(server);
    const endedAt: number[] = [];
    server.on('end', () => endedAt.push(performance.now()));
    const faulted = new Promise<void>((resolve) => server.once('fault', () => resolve()));
    const address = server.host.includes(':') ? `[${server.host}]:${server.port}` : `${server.host}:${server.port}`;
    return { server, address, endedAt, faulted };
  }

  /** The poem task N saved with --out, or undefined if it saved none. */
  saved(task: number): Buffer | undefined {
    const path = join(this.out, `task-${task}.txt`);
    return existsSync(path) ? readFileSync(path) : undefined;
  }

  savedPartial(task: number): Buffer | undefined {
    const path = join(this.out, `task-${task}.partial.txt`);
    return existsSync(path) ? readFileSync(path) : undefined;
  }

  async close(): Promise<void> {
    await Promise.all(this.servers.map((server) => server.close()));
    rmSync(this.out, { recursive: true, force: true });
    rmSync(this.trace, { force: true });
  }

  /** The tasks that connected, in the order they did, from the run's --trace. */
  connectedTasks(): number[] {
    return connectedTasks(parseTrace(readFileSync(this.trace, 'utf8')));
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The report line of a failed task: `Task N: failed to get poetry from ADDRESS[ after B bytes]: REASON…`. */
export function failedLine(task: number, address: string, reason: RegExp): RegExp {
  return new RegExp(
    `^Task ${task}: failed to get poetry from ${escapeRegExp(address)}( after \\d+ bytes)?: (${reason.source})`,
    'm',
  );
}

/** What every run must show, whatever the fault: it ended by itself, without a stack trace. */
export function expectNoHangNoStack(run: Finished): void {
  expect(run.hung, `the client hung; stdout:\n${run.stdout}`).toBe(false);
  expect(run.stderr).not.toMatch(stackTraceLine);
}

/** The summary line: `Got P poems in …[; F tasks failed]`. */
export function summary(run: Finished): { poems: number; failed: number } | undefined {
  const match = /^Got (\d+) poems? in [\d:.]+(?:; (\d+) tasks? failed)?$/m.exec(run.stdout);
  if (!match) return undefined;
  return { poems: Number(match[1]), failed: Number(match[2] ?? 0) };
}
