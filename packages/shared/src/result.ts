// The result of a client's run, as one machine-readable record: what the tools
// read (bench from `--json` on stdout, compare from the trace's last line), and
// what a user's own script can read. One shape, made in one place
// (Session.result), read by one function (readClientResult).
//
//   {"stage":"callbacks","status":1,"ms":9204.1,"poems":2,"failed":1,"bytes":3362,
//    "reasons":{"connection refused (ECONNREFUSED)":1},
//    "tasks":[{"task":1,"address":"127.0.0.1:10000","status":"done","bytes":2764,"ms":9204.1},…],
//    "loop":{"maxDelayMs":3.1,"heldMs":250.2,"wallMs":9205.0}}
import type { LoopStats } from './loop-probe.js';

export interface TaskResult {
  /** 1, 2, 3… in the order of the addresses. */
  task: number;
  address: string;
  /**
   * 'cancelled': stopped because another task failed (--fail-fast); 'waiting' or
   * 'connected': the run ended (a crash, a signal) before the task did.
   */
  status: 'done' | 'failed' | 'cancelled' | 'waiting' | 'connected';
  bytes: number;
  /** When it ended, in ms after the run's start. */
  ms?: number;
  /** Why it failed (or was cancelled), in one line. */
  error?: string;
}

export interface ClientResult {
  /** The stage's short name, e.g. 'callbacks'. */
  stage: string;
  /** The exit status the client ends with. */
  status: number;
  /** From the run's start to the end of its last task (ms). */
  ms: number;
  poems: number;
  failed: number;
  /** Tasks cancelled because another failed (--fail-fast); 0 when not given. */
  cancelled?: number;
  /** Bytes of poetry received, every task together. */
  bytes: number;
  /** Why tasks failed: reason → how many. */
  reasons: Record<string, number>;
  /** One per address; left out by a client that keeps no record per task (the bench's floor). */
  tasks?: TaskResult[];
  /** How long Node's event loop was held (see loop-probe.ts). */
  loop?: LoopStats;
}

/** Parse and check a result record; throws an Error that says what is wrong. */
export function readClientResult(text: string): ClientResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`not a JSON result: ${JSON.stringify(text.slice(0, 80))}`);
  }
  const r = value as Partial<ClientResult> | null;
  const numbers = ['status', 'ms', 'poems', 'failed', 'bytes'] as const;
  if (typeof r !== 'object' || r === null || numbers.some((key) => typeof r[key] !== 'number') || typeof r.reasons !== 'object') {
    throw new Error(`not a client result: ${JSON.stringify(text.slice(0, 80))}`);
  }
  return r as ClientResult;
}
