// Client plumbing shared by every stage, so that stages differ only in their I/O model.
export { defaultHost, formatAddress, parseAddress, type Address } from './address.js';
export { Canceller } from './canceller.js';
export {
  clientUsage,
  defaultMaxBytes,
  parseClientArgs,
  runClient,
  type ClientArgs,
  type ClientProgram,
  type ExtraOption,
} from './client-args.js';
export { formatDuration, monotonicMs } from './duration.js';
export {
  abortError,
  codedError,
  describeError,
  interruptedError,
  poemTooLongError,
  timeoutError,
  type CodedError,
} from './errors.js';
export { startLoopProbe, type LoopProbe, type LoopStats } from './loop-probe.js';
export { LiveReport } from './live-report.js';
export { OutFolder, partialName, poemName } from './out-folder.js';
export { report } from './report.js';
export { readClientResult, type ClientResult, type TaskResult } from './result.js';
export { Session, TaskRecord, type TaskStatus } from './session.js';
export { isCancellation, readTaskGroupArgs, taskGroupOptions, type TaskGroupArgs } from './task-group.js';
export { parseTrace, Trace, type TraceEvent, type TraceLine } from './trace.js';
