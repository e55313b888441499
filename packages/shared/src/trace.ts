// A machine-readable record of a run, for the comparison tool: JSON Lines, one
// event per line, each with `t`, milliseconds on the monotonic clock (the same
// clock in every process on the machine, so runs can be lined up).
//
//   {"t":…,"event":"start","stage":"blocking","pid":…,"tasks":["127.0.0.1:10000",…]}
//   {"t":…,"event":"connected","task":1}
//   {"t":…,"event":"chunk","task":1,"bytes":30}
//   {"t":…,"event":"done","task":1,"bytes":3003}
//   {"t":…,"event":"failed","task":2,"bytes":0,"error":"connection refused (ECONNREFUSED)"}
//   {"t":…,"event":"cancelled","task":3,"bytes":40,"because":"task 2 failed"}   (--fail-fast)
//   {"t":…,"event":"end","result":{…}}            the run's result (see result.ts)
//
// Each event is written the moment it happens, with one synchronous write: a
// blocking client never lets asynchronous writes run, and a trace must hold
// every event up to the end of the process, however it ends — a signal's
// default action, process.exit, or a crash included.
import { closeSync, openSync, writeSync } from 'node:fs';

import { UsageError } from '@slow-poetry/cli-kit';

import { monotonicMs } from './duration.js';
import { describeError } from './errors.js';
import type { ClientResult } from './result.js';

export type TraceEvent =
  | { event: 'start'; stage: string; pid: number; tasks: string[] }
  | { event: 'connected'; task: number }
  | { event: 'chunk'; task: number; bytes: number }
  | { event: 'done'; task: number; bytes: number }
  | { event: 'failed'; task: number; bytes: number; error: string }
  | { event: 'cancelled'; task: number; bytes: number; because: string }
  | { event: 'end'; result: ClientResult };

export type TraceLine = TraceEvent & { t: number };

export class Trace {
  private fd: number | undefined;

  /** With no path, a trace that records nothing. */
  constructor(path?: string) {
    if (path === undefined) return;
    try {
      this.fd = openSync(path, 'w');
    } catch (error) {
      throw new UsageError(`cannot write trace file '${path}': ${describeError(error)}`);
    }
  }

  /** Write one event, stamped now (or `at`: the run's start line carries the run's own start). */
  write(event: TraceEvent, at = monotonicMs()): void {
    if (this.fd === undefined) return;
    writeSync(this.fd, JSON.stringify({ t: Number(at.toFixed(3)), ...event }) + '\n');
  }

  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Read a trace file back (for tools and tests). A last line cut short by a crash is left out. */
export function parseTrace(text: string): TraceLine[] {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const events: TraceLine[] = [];
  for (const [i, line] of lines.entries()) {
    try {
      events.push(JSON.parse(line) as TraceLine);
    } catch (error) {
      if (i < lines.length - 1) throw error;
    }
  }
  return events;
}
