// The bookkeeping around a client's run that is the same in every stage: one
// record per task (bytes so far, timing, outcome), the trace, --out files, the
// event-loop probe, and the exit status. What differs between stages — how the
// bytes arrive — stays in each stage's own code.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { exitStatus, UsageError } from '@slow-poetry/cli-kit';

import { formatAddress, type Address } from './address.js';
import type { ClientArgs } from './client-args.js';
import { monotonicMs } from './duration.js';
import { codedError, describeError } from './errors.js';
import { startLoopProbe, type LoopProbe, type LoopStats } from './loop-probe.js';
import { Trace } from './trace.js';

export type TaskStatus = 'waiting' | 'connected' | 'done' | 'failed';

export class TaskRecord {
  status: TaskStatus = 'waiting';
  /** Bytes received so far (counted from chunk() or, failing that, from done()). */
  bytes = 0;
  error: unknown;
  startedAt: number;
  endedAt: number | undefined;
  /** `127.0.0.1:10000` */
  readonly label: string;

  constructor(
    /** 1, 2, 3… in the order of the addresses on the command line. */
    readonly id: number,
    readonly address: Address,
    private readonly session: Session,
  ) {
    this.label = formatAddress(address);
    this.startedAt = monotonicMs();
  }

  /** For a client that runs tasks one after another: this task starts now. */
  start(): void {
    this.startedAt = monotonicMs();
  }

  connected(): void {
    this.status = 'connected';
    this.session.trace.write({ event: 'connected', task: this.id });
  }

  chunk(bytes: number): void {
    this.bytes += bytes;
    this.session.trace.write({ event: 'chunk', task: this.id, bytes });
  }

  /** The poem arrived whole (the server closed the connection after its last byte). */
  done(poem: Uint8Array): void {
    if (this.isOver()) return;
    this.bytes = poem.byteLength;
    this.status = 'done';
    this.endedAt = monotonicMs();
    this.session.trace.write({ event: 'done', task: this.id, bytes: this.bytes });
    this.session.save(`task-${this.id}.txt`, poem);
  }

  /** The task failed. `partial`: the bytes that did arrive, saved apart from whole poems. */
  failed(error: unknown, partial?: Uint8Array): void {
    if (this.isOver()) return;
    this.status = 'failed';
    this.error = error;
    this.endedAt = monotonicMs();
    if (partial !== undefined) this.bytes = partial.byteLength;
    this.session.trace.write({ event: 'failed', task: this.id, bytes: this.bytes, error: describeError(error) });
    if (partial !== undefined && partial.byteLength > 0) this.session.save(`task-${this.id}.partial.txt`, partial);
  }

  isOver(): boolean {
    return this.status === 'done' || this.status === 'failed';
  }

  elapsedMs(): number {
    return (this.endedAt ?? monotonicMs()) - this.startedAt;
  }
}

export class Session {
  readonly tasks: TaskRecord[];
  readonly trace: Trace;
  readonly startedAt = monotonicMs();
  private readonly probe: LoopProbe;
  private loopStats: LoopStats | undefined;

  constructor(
    /** The stage's short name, e.g. 'blocking'. */
    readonly stage: string,
    readonly args: ClientArgs,
  ) {
    if (args.out !== undefined) {
      try {
        mkdirSync(args.out, { recursive: true });
      } catch (error) {
        throw new UsageError(`cannot use '${args.out}' as the --out folder: ${(error as Error).message}`);
      }
    }
    this.trace = new Trace(args.trace);
    this.tasks = args.addresses.map((address, i) => new TaskRecord(i + 1, address, this));
    this.trace.write({ event: 'start', stage, pid: process.pid, tasks: this.tasks.map((t) => t.label) });
    this.probe = startLoopProbe();
  }

  elapsedMs(): number {
    return monotonicMs() - this.startedAt;
  }

  get poems(): number {
    return this.tasks.filter((task) => task.status === 'done').length;
  }

  get failures(): number {
    return this.tasks.filter((task) => task.status === 'failed').length;
  }

  /** Mark every unfinished task as interrupted (Ctrl-C). Returns the tasks it marked. */
  interrupt(partials: Map<number, Uint8Array> = new Map()): TaskRecord[] {
    const cut = this.tasks.filter((task) => !task.isOver());
    for (const task of cut) task.failed(codedError('EINTERRUPTED', 'interrupted'), partials.get(task.id));
    return cut;
  }

  /** End the run: write the trace's last line and return the exit status. */
  finish(interrupted = false): number {
    this.loopStats ??= this.probe.stop();
    const status = interrupted
      ? exitStatus.interrupted
      : this.tasks.every((task) => task.status === 'done')
        ? exitStatus.ok
        : exitStatus.failed;
    this.trace.write({ event: 'end', status, loop: this.loopStats });
    this.trace.flush();
    return status;
  }

  /** Write a file into --out, if it was given. */
  save(name: string, bytes: Uint8Array): void {
    if (this.args.out === undefined) return;
    writeFileSync(join(this.args.out, name), bytes);
  }
}
