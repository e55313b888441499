// Every client against every fault, as a table: one row per client, one test
// per fault. A stage registers its own rows from its tests
// (describeFaultMatrix); the matrix's own tests run the reference client.
//
// Each test runs the client as a real process against real servers on loopback
// and checks what a user would see: the failure on its own task's line with the
// reason, the healthy poems byte for byte (--out), the exit status, no stack
// trace, no hang — and that a failed task lets go of its socket at once rather
// than when the process exits.
import net from 'node:net';

import { closedPort, poem, sleep, unansweredPort } from '@slow-poetry/test-kit';
import { describe, expect, it } from 'vitest';

import type { ClientUnderTest } from './clients.js';
import { runBin, startBin, type Finished } from './run-bin.js';
import { expectNoHangNoStack, failedLine, Fixture, summary } from './support.js';

/** A name that fails to resolve at once, even with no network: `.invalid` is reserved (RFC 2606). */
const unknownHost = 'no-such-host.invalid';
/** Its reason: Node's code for it, or the C library's (stages 1 and 2); EAI_AGAIN where no resolver answers at all. */
const unknownHostReason = /unknown host \((ENOTFOUND|EAI_NONAME)\)|host name lookup failed \(EAI_AGAIN\)/;

/**
 * The slow server resets a connection one tick (`delay`, and at least 0.2 s) after
 * its last chunk. The gap must be long: when the last bytes and the reset reach a
 * node:net client in the same wake-up, libuv before 1.52 (Node 20 and 22) sees a
 * short read plus a hang-up and reports end of file, never the reset — the task
 * then "succeeds" with a short poem, like a clean close. At 5 ms between chunks on
 * a busy machine that happened in about one run in twenty; this pace and the
 * server's 0.2 s leave the client time to read the bytes first.
 */
const resetPace = { numBytes: 35, delay: 0.1 };

interface Fault {
  name: string;
  run(client: ClientUnderTest, fixture: Fixture): Promise<void>;
}

function run(client: ClientUnderTest, fixture: Fixture, args: string[], deadlineMs = 10_000): Promise<Finished> {
  return runBin(client.binPath, [...client.extraArgs, '--quiet', '--out', fixture.out, ...args], { deadlineMs });
}

export const faults: Fault[] = [
  {
    name: 'a refused connection fails its task with the reason',
    async run(client, fixture) {
      const address = `127.0.0.1:${await closedPort()}`;
      const result = await run(client, fixture, [address]);
      expectNoHangNoStack(result);
      expect(result.stdout).toMatch(failedLine(1, address, /connection refused \(ECONNREFUSED\)/));
      expect(summary(result)).toEqual({ poems: 0, failed: 1 });
      expect(result.code).toBe(1);
    },
  },
  {
    name: 'an unknown host fails its task with the reason',
    async run(client, fixture) {
      const address = `${unknownHost}:${await closedPort()}`;
      const result = await run(client, fixture, [address], 5_000);
      expectNoHangNoStack(result);
      expect(result.stdout).toMatch(failedLine(1, address, unknownHostReason));
      expect(summary(result)).toEqual({ poems: 0, failed: 1 });
      expect(result.code).toBe(1);
    },
  },
  {
    name: 'a server on the IPv6 loopback [::1] gives its poem byte for byte',
    async run(client, fixture) {
      const server = await fixture.serve('science.txt', { host: '::1' });
      expect(server.address).toMatch(/^\[::1\]:\d+$/);
      const result = await run(client, fixture, [server.address]);
      expectNoHangNoStack(result);
      expect(result.code).toBe(0);
      expect(fixture.saved(1)?.equals(poem('science.txt'))).toBe(true);
      expect(summary(result)).toEqual({ poems: 1, failed: 0 });
    },
  },
  {
    name: 'a reset mid-poem fails its task and never passes the partial poem off as whole',
    async run(client, fixture) {
      const server = await fixture.serve('ecstasy.txt', { ...resetPace, fault: { kind: 'reset', afterBytes: 100 } });
      const result = await run(client, fixture, [server.address]);
      expectNoHangNoStack(result);
      expect(result.stdout).toMatch(failedLine(1, server.address, /connection reset by peer \(ECONNRESET\)/));
      expect(result.code).toBe(1);
      expect(fixture.saved(1)).toBeUndefined();
      // What did arrive is kept apart, as what it is: the first 100 bytes.
      const partial = fixture.savedPartial(1);
      if (partial !== undefined) expect(partial.equals(poem('ecstasy.txt').subarray(0, 100))).toBe(true);
    },
  },
  {
    // The protocol has no length and no end marker: a server that closes early
    // looks exactly like a shorter poem. No client can tell; the test pins that
    // down, so nobody mistakes it for a bug that a stage could fix.
    name: 'a clean close mid-poem cannot be told apart: the task "succeeds" with fewer bytes',
    async run(client, fixture) {
      const server = await fixture.serve('ecstasy.txt', { fault: { kind: 'close', afterBytes: 100 } });
      const result = await run(client, fixture, [server.address]);
      expectNoHangNoStack(result);
      expect(result.code).toBe(0);
      expect(fixture.saved(1)?.equals(poem('ecstasy.txt').subarray(0, 100))).toBe(true);
      expect(summary(result)).toEqual({ poems: 1, failed: 0 });
    },
  },
  {
    // A server that cannot take one more client (its --max-connections, or its
    // open-file limit) resets the connection: the client reports an error rather
    // than an empty poem, cleanly closed, that would look whole.
    name: 'a server with no room for one more connection resets it: the task fails, never an empty poem',
    async run(client, fixture) {
      const server = await fixture.serve('science.txt', { maxConnections: 1, fault: { kind: 'stall', afterBytes: 10 } });
      const holder = net.connect(server.server.port, '127.0.0.1'); // takes the one place, and keeps it
      try {
        await server.faulted;
        const result = await run(client, fixture, [server.address]);
        expectNoHangNoStack(result);
        expect(result.stdout).toMatch(failedLine(1, server.address, /connection reset by peer \(ECONNRESET\)/));
        expect(fixture.saved(1)).toBeUndefined();
        expect(result.code).toBe(1);
      } finally {
        holder.destroy();
      }
    },
  },
  {
    name: 'a stalled server with --timeout fails its task as timed out',
    async run(client, fixture) {
      const server = await fixture.serve('ecstasy.txt', { fault: { kind: 'stall', afterBytes: 50 } });
      const result = await run(client, fixture, ['--timeout', '0.3', server.address]);
      expectNoHangNoStack(result);
      expect(result.stdout).toMatch(failedLine(1, server.address, /timed out \(ETIMEDOUT\)/));
      expect(result.code).toBe(1);
      expect(result.ms).toBeGreaterThanOrEqual(300);
      expect(fixture.saved(1)).toBeUndefined();
    },
  },
  {
    // A host that never answers (a firewall that drops packets) leaves the
    // connection neither made nor refused: --timeout must cover connecting too,
    // not only the wait for bytes once connected.
    name: 'a server that never answers the connection request, with --timeout, fails its task as timed out while connecting; the others finish',
    async run(client, fixture) {
      const silent = await unansweredPort();
      try {
        const address = `127.0.0.1:${silent.port}`;
        const healthy = await fixture.serve('science.txt');
        const result = await run(client, fixture, ['--timeout', '0.3', '--trace', fixture.trace, address, healthy.address]);
        expectNoHangNoStack(result);
        expect(result.stdout).toMatch(failedLine(1, address, /timed out \(ETIMEDOUT\)/));
        expect(result.ms).toBeGreaterThanOrEqual(300);
        expect(fixture.connectedTasks()).toEqual([2]); // task 1 timed out still connecting
        expect(fixture.saved(1)).toBeUndefined();
        expect(fixture.saved(2)?.equals(poem('science.txt'))).toBe(true);
        expect(summary(result)).toEqual({ poems: 1, failed: 1 });
        expect(result.code).toBe(1);
      } finally {
        silent.close();
      }
    },
  },
  {
    // Without a timeout a client has no way to know the server will never send
    // again: waiting is the correct, documented behaviour. Ctrl-C must still end it.
    name: 'a stalled server without --timeout keeps the client waiting until Ctrl-C ends it: exit 130, or the signal itself where the thread is held',
    async run(client, fixture) {
      const server = await fixture.serve('ecstasy.txt', { fault: { kind: 'stall', afterBytes: 50 } });
      const running = startBin(client.binPath, [...client.extraArgs, '--quiet', server.address], { deadlineMs: 10_000 });
      await server.faulted;
      await sleep(700);
      expect(running.running, `it should still be waiting; stdout:\n${running.stdout}`).toBe(true);
      expect(server.server.connections).toBe(1);
      expect(running.stdout).not.toMatch(/^Got /m);
      running.child.kill('SIGINT');
      const result = await running.done;
      expect(result.hung, 'Ctrl-C did not end the client').toBe(false);
      expect(result.stderr).not.toMatch(/^\s+at /m);
      // A client that keeps its thread free catches Ctrl-C and exits 130 after its report; one that
      // holds its thread (stages 1 and 2) cannot run a handler, and the signal's default action ends it.
      if (client.holdsThread) expect(result.signal).toBe('SIGINT');
      else expect(result.code).toBe(130);
    },
  },
  {
    name: 'a server that never stops sending fails its task at --max-bytes instead of filling memory',
    async run(client, fixture) {
      const server = await fixture.serve('ecstasy.txt', { endless: true, numBytes: 16_384, delay: 0.001 });
      const result = await run(client, fixture, ['--max-bytes', '100000', server.address]);
      expectNoHangNoStack(result);
      expect(result.stdout).toMatch(failedLine(1, server.address, /poem too long \(EPOEMTOOLONG\)/));
      expect(result.code).toBe(1);
      expect(fixture.saved(1)).toBeUndefined();
    },
  },
  {
    name: 'several faults at once beside healthy servers: each on its own line, the healthy poems whole',
    async run(client, fixture) {
      const healthy = await fixture.serve('science.txt');
      const refused = `127.0.0.1:${await closedPort()}`;
      const reset = await fixture.serve('ecstasy.txt', { ...resetPace, fault: { kind: 'reset', afterBytes: 70 } });
      const stalled = await fixture.serve('ecstasy.txt', { fault: { kind: 'stall', afterBytes: 21 } });
      const endless = await fixture.serve('fascination.txt', { endless: true, numBytes: 1000, delay: 0.001 });
      const unknown = `${unknownHost}:${await closedPort()}`;
      // The last healthy server is slow (about 1.8 s), so that the client is still busy
      // well after the stalled task timed out (at about 1 s) and the endless one
      // overflowed: they must let go of their sockets then, not at exit.
      const slow = await fixture.serve('fascination.txt', { numBytes: 10, delay: 0.03 });
      const addresses = [healthy.address, refused, reset.address, stalled.address, endless.address, unknown, slow.address];

      // The timeout is generous: the servers share the test's process with other tests.
      const result = await run(client, fixture, ['--timeout', '1', '--max-bytes', '5000', ...addresses], 20_000);
      const exitedAt = performance.now();
      expectNoHangNoStack(result);
      expect(result.code).toBe(1);
      expect(fixture.saved(1)?.equals(poem('science.txt'))).toBe(true);
      expect(fixture.saved(7)?.equals(poem('fascination.txt'))).toBe(true);
      expect(result.stdout).toMatch(failedLine(2, refused, /connection refused \(ECONNREFUSED\)/));
      expect(result.stdout).toMatch(failedLine(3, reset.address, /connection reset by peer \(ECONNRESET\)/));
      expect(result.stdout).toMatch(failedLine(4, stalled.address, /timed out \(ETIMEDOUT\)/));
      expect(result.stdout).toMatch(failedLine(5, endless.address, /poem too long \(EPOEMTOOLONG\)/));
      expect(result.stdout).toMatch(failedLine(6, unknown, unknownHostReason));
      for (const task of [2, 3, 4, 5, 6]) expect(fixture.saved(task)).toBeUndefined();
      expect(summary(result)).toEqual({ poems: 2, failed: 5 });
      // No leaked sockets: the stalled and the endless connections were closed when
      // their tasks failed, not by the process's exit (the slow poem takes ~0.8 s more).
      for (const server of [stalled, endless]) {
        expect(server.endedAt).toHaveLength(1);
        expect(exitedAt - server.endedAt[0]!).toBeGreaterThan(300);
      }
    },
  },
];

/** One test per fault for each client, run at the same time (each case has servers of its own). */
export function describeFaults(clients: ClientUnderTest[]): void {
  describe.concurrent.each(clients)('$name against every fault', (client) => {
    for (const fault of faults) {
      it.skipIf(client.missing !== undefined)(fault.name, async () => {
        const fixture = new Fixture();
        try {
          await fault.run(client, fixture);
        } finally {
          await fixture.close();
        }
      });
    }
  });
}
