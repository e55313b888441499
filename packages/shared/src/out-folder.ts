// The --out folder: each task's poem as task-N.txt, the bytes of a failed task
// as task-N.partial.txt. Three promises, because a file is what a user trusts:
//
// - A poem that could not be saved is not a success: a failed write fails that
//   task (the caller turns the error into the task's failure line).
// - A file is whole or absent: it is written to a temporary name in the same
//   folder, then renamed over task-N.txt in one step. A rename replaces the
//   name itself, so a symlink planted at task-N.txt is replaced, never followed.
// - No file from an earlier run passes for this run's: before the first
//   download, the run removes the task-N files it will name.
import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

import { UsageError } from '@slow-poetry/cli-kit';

import { codedError, describeError } from './errors.js';

export class OutFolder {
  private saved = 0;

  /** Creates the folder if need be, and clears the files this run will name. */
  constructor(
    readonly path: string,
    tasks: number,
  ) {
    try {
      mkdirSync(path, { recursive: true });
    } catch (error) {
      throw new UsageError(`cannot use '${path}' as the --out folder: ${describeError(error)}`);
    }
    for (let id = 1; id <= tasks; id++) {
      for (const name of [poemName(id), partialName(id)]) {
        try {
          rmSync(join(path, name), { force: true }); // a file or a symlink; never what a symlink points to
        } catch {
          // A directory in the way stays; saving that task's poem will fail and say so.
        }
      }
    }
  }

  /** Save a whole poem; throws an ESAVE error that says why not. */
  savePoem(id: number, poem: Uint8Array): void {
    this.write(poemName(id), poem);
  }

  /** Save what a failed task got; throws an ESAVE error that says why not. */
  savePartial(id: number, bytes: Uint8Array): void {
    this.write(partialName(id), bytes);
  }

  private write(name: string, bytes: Uint8Array): void {
    const final = join(this.path, name);
    // Exclusive create: a name that already exists (even a symlink) is an error, not a file to write through.
    const temporary = join(this.path, `.${name}.${process.pid}.${this.saved++}.tmp`);
    let fd: number | undefined;
    try {
      fd = openSync(temporary, 'wx');
      for (let at = 0; at < bytes.byteLength;) at += writeSync(fd, bytes, at);
      closeSync(fd);
      fd = undefined;
      renameSync(temporary, final);
    } catch (error) {
      if (fd !== undefined) closeSync(fd);
      rmSync(temporary, { force: true });
      throw codedError('ESAVE', `cannot save ${final}: ${describeError(error)}`);
    }
  }
}

export const poemName = (id: number): string => `task-${id}.txt`;
export const partialName = (id: number): string => `task-${id}.partial.txt`;
