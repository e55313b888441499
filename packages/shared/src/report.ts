// The lines the clients print. The first five are the tutorial's own.
import { describeError } from './errors.js';
import { formatDuration } from './duration.js';

export const report = {
  /** Blocking client, before each download. */
  getting: (task: number, from: string) => `Task ${task}: get poetry from: ${from}`,
  /** Blocking client, after each download. */
  gotPoem: (task: number, bytes: number, from: string, ms: number) =>
    `Task ${task}: got ${bytes} bytes of poetry from ${from} in ${formatDuration(ms)}`,
  /** Asynchronous clients, for every read. */
  gotChunk: (task: number, bytes: number, from: string) => `Task ${task}: got ${bytes} bytes of poetry from ${from}`,
  /** Asynchronous clients, when a server closes the connection. */
  finished: (task: number) => `Task ${task} finished`,
  /** Asynchronous clients, the summary per task. */
  poemBytes: (task: number, bytes: number) => `Task ${task}: ${bytes} bytes of poetry`,
  /** A task that failed, with the bytes it got before it did. */
  failed: (task: number, from: string, error: unknown, bytesSoFar = 0) =>
    `Task ${task}: failed to get poetry from ${from}${bytesSoFar > 0 ? ` after ${bytesSoFar} bytes` : ''}: ${describeError(error)}`,
  /** A task cancelled because of another's failure (--fail-fast). */
  cancelled: (task: number, from: string, because: string, bytesSoFar = 0) =>
    `Task ${task}: cancelled the download from ${from}${bytesSoFar > 0 ? ` after ${bytesSoFar} bytes` : ''}: ${because}`,
  /** The last line; `cancelled` lists the tasks cancelled by --fail-fast. */
  summary: (poems: number, failedTasks: number, ms: number, cancelled: number[] = []) =>
    `Got ${poems} ${poems === 1 ? 'poem' : 'poems'} in ${formatDuration(ms)}` +
    (failedTasks > 0 ? `; ${failedTasks} ${failedTasks === 1 ? 'task' : 'tasks'} failed` : '') +
    (cancelled.length > 0
      ? `; ${cancelled.length} cancelled (${cancelled.length === 1 ? 'task' : 'tasks'} ${cancelled.join(', ')})`
      : ''),
};
