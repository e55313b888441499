// What a program must undo however it ends: the child processes it started and
// the temporary folders it made. A tool that runs other programs (compare, the
// bench) registers each as it goes; on a stop signal, or at exit for any other
// reason, everything still registered is killed and removed.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const children = new Set<ChildProcess>();
const folders = new Set<string>();
/** Children spawned with `detached: true`: each leads a process group of its own. */
const leaders = new WeakSet<ChildProcess>();

/** A new temporary folder, removed by cleanUp() unless released first. */
export function temporaryFolder(prefix: string): string {
  const path = mkdtempSync(join(tmpdir(), prefix));
  folders.add(path);
  return path;
}

/** Remove a temporary folder now. */
export function removeFolder(path: string): void {
  rmSync(path, { recursive: true, force: true });
  folders.delete(path);
}

/**
 * Kill this child (and, if it leads a process group of its own — spawned with
 * `detached` — the whole group) at cleanUp(), unless it has exited by then.
 */
export function ownChild<T extends ChildProcess>(child: T): T {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Kill every child still running, remove every folder still there. Synchronous: safe in an 'exit' handler. */
export function cleanUp(): void {
  for (const child of children) {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) continue;
    try {
      process.kill(leaders.has(child) ? -child.pid : child.pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  children.clear();
  for (const path of folders) rmSync(path, { recursive: true, force: true });
  folders.clear();
}

/** Mark a child spawned with `detached: true`: cleanUp() kills its whole process group. */
export function ownGroup<T extends ChildProcess>(child: T): T {
  leaders.add(child);
  return ownChild(child);
}
