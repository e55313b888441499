import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { closedPort, removeScratchDirs, scratchDir, sleep, unansweredPort } from '../src/helpers.js';

describe('scratch folders', () => {
  it('are fresh, and removed with their contents by removeScratchDirs()', () => {
    const [a, b] = [scratchDir('slow-poetry-helpers-'), scratchDir('slow-poetry-helpers-')];
    expect(a).not.toBe(b);
    writeFileSync(join(a, 'task-1.txt'), 'a poem');
    removeScratchDirs();
    expect(existsSync(a)).toBe(false);
    expect(existsSync(b)).toBe(false);
  });
});

describe('closedPort()', () => {
  it('gives a port below the ephemeral range that refuses connections', async () => {
    // The kernel hands out ports from ip_local_port_range for listen(0) and outgoing connections: a port
    // from there could be another test's server a moment later. closedPort() stays below it.
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    const port = await closedPort();
    expect(port).toBeLessThan(low!);
    const refused = await new Promise<string | undefined>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(undefined));
      socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code));
    });
    expect(refused).toBe('ECONNREFUSED');
  });
});

describe('unansweredPort()', () => {
  it('leaves a connection request unanswered: neither connected nor refused a second later', async () => {
    const silent = await unansweredPort();
    const socket = net.connect(silent.port, '127.0.0.1');
    try {
      let outcome = 'waiting';
      socket.on('connect', () => (outcome = 'connected'));
      socket.on('error', (error: NodeJS.ErrnoException) => (outcome = error.code ?? 'error'));
      await sleep(1000);
      expect(outcome).toBe('waiting');
    } finally {
      socket.destroy();
      silent.close();
    }
  });
});
