import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { defaultMaxConnections, maxConnectionsFor, openFileLimit } from '../src/open-file-limit.js';

const scratch = mkdtempSync(join(tmpdir(), 'open-file-limit-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function limitsFile(openFiles: string): string {
  const path = join(scratch, `limits-${openFiles}`);
  writeFileSync(
    path,
    [
      'Limit                     Soft Limit           Hard Limit           Units     ',
      'Max processes             96365                96365                processes ',
      `Max open files            ${openFiles.padEnd(20)} 1048576              files     `,
      '',
    ].join('\n'),
  );
  return path;
}

describe('the open-file limit', () => {
  it('reads the soft limit on open files from a /proc/PID/limits file', () => {
    expect(openFileLimit(limitsFile('1024'))).toBe(1024);
  });

  it('has no limit to offer where the file cannot be read, or says "unlimited"', () => {
    expect(openFileLimit(join(scratch, 'no-such-file'))).toBeUndefined();
    expect(openFileLimit(limitsFile('unlimited'))).toBeUndefined();
  });

  it('leaves 64 descriptors to the process itself, and sets no limit when it knows none', () => {
    expect(maxConnectionsFor(1024)).toBe(960);
    expect(maxConnectionsFor(10)).toBe(1);
    expect(maxConnectionsFor(undefined)).toBe(Infinity);
  });

  it.runIf(process.platform === 'linux')("defaults to this process's own limit minus 64", () => {
    expect(defaultMaxConnections()).toBe(openFileLimit()! - 64);
  });

  it.runIf(process.platform === 'linux')(
    'sees the limit Node raised: its soft limit goes up to the hard one as it starts',
    () => {
      const script = "ulimit -S -n 64 && exec \"$0\" -p \"require('node:fs').readFileSync('/proc/self/limits', 'utf8')\"";
      const limits = spawnSync('/bin/sh', ['-c', script, process.execPath], { encoding: 'utf8' }).stdout;
      const [soft, hard] = /^Max open files\s+(\d+)\s+(\d+)/m.exec(limits)!.slice(1);
      expect(Number(hard)).toBeGreaterThan(64);
      expect(soft).toBe(hard);
    },
  );
});
