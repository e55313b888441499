// A machine-readable record of a run, for the comparison tool: JSON Lines, one
// event per line, each with `t`, milliseconds on the monotonic clock (the same
// clock in every process on the machine, so runs can be lined up).
//
//   {"t":…,"event":"start","stage":"blocking","pid":…,"tasks":["127.0.0.1:10000",…]}
//   {"t":…,"event":"connected","task":1}
//   {"t":…,"event":"chunk","task":1,"bytes":30}
//   {"t":…,"event":"done","task":1,"bytes":3003}
//   {"t":…,"event":"failed","task":2,"bytes":0,"error":"connection refused (ECONNREFUSED)"}
//   {"t":…,"event":"end","status":1,"loop":{"maxDelayMs":…,"heldMs":…,"wallMs":…}}
//
// Writes are synchronous and buffered: a blocking client gives the event loop no
// chance to run asynchronous ones, and a trace must survive an early exit.
import { appendFileSync, writeFileSync } from 'node:fs';

import { UsageError } from '@slow-poetry/cli-kit';

import { monotonicMs } from './duration.js';

export type TraceEvent =
  | { event: 'start'; stage: string; pid: number; tasks: string[] }
  | { event: 'connected'; task: number }
  | { event: 'chunk'; task: number; bytes: number }
  | { event: 'done'; task: number; bytes: number }
  | { event: 'failed'; task: number; bytes: number; error: string }
  | { event: 'end'; status: number; loop: { maxDelayMs: number; heldMs: number; wallMs: number } };

export type TraceLine = TraceEvent & { t: number };

export class Trace {
  private pending: string[] = [];
  private pendingBytes = 0;

  /** With no path, a trace that records nothing. */
  constructor(private readonly path?: string) {
    if (path === undefined) return;
    try {
      writeFileSync(path, '');
    } catch (error) {
      throw new UsageError(`cannot write trace file '${path}': ${(error as Error).message}`);
    }
  }

  write(event: TraceEvent): void {
    if (this.path === undefined) return;
    const line = JSON.stringify({ t: Number(monotonicMs().toFixed(3)), ...event }) + '\n';
    this.pending.push(line);
    this.pendingBytes += line.length;
    if (this.pendingBytes > 1 << 20) this.flush();
  }

  flush(): void {
    if (this.path === undefined || this.pending.length === 0) return;
    appendFileSync(this.path, this.pending.join(''));
    this.pending = [];
    this.pendingBytes = 0;
  }
}

/** Read a trace file back (for tools and tests). */
export function parseTrace(text: string): TraceLine[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as TraceLine);
}
