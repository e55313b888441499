import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { poetryDir } from '../src/poetry.js';
import { parseServeArgs, type ServeCommand } from '../src/serve-args.js';
import { sceneCliPath, serverCliPath, spawnServer, type ServerProcess } from '../src/spawn.js';
import { download } from './helpers.js';

const science = join(poetryDir, 'science.txt');
const running: ServerProcess[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

// A 16 MiB poem: more than the kernel's buffers hold for a client that never reads.
let scratch = '';
let bigPoemFile = '';
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'slow-server-cli-'));
  bigPoemFile = join(scratch, 'big.txt');
  writeFileSync(bigPoemFile, Buffer.alloc(16 << 20, 'a'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function serve(...args: string[]): Promise<ServerProcess> {
  const server = await spawnServer(args);
  running.push(server);
  return server;
}

/** A process's stdout, line by line, as it comes. */
function linesOf(child: ChildProcess): string[] {
  const lines: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => lines.push(line));
  return lines;
}

/** How a process ended: its exit status, or the signal that ended it. */
async function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
  return { code: child.exitCode, signal: child.signalCode };
}

/** spawn() arguments for slowpoetry ARGS in a shell that first lowers the limit on open files to `limit`. */
function underFileLimit(limit: number, args: string[]): [string, string[]] {
  return ['/bin/sh', ['-c', `ulimit -n ${limit} && exec "$0" "$@"`, process.execPath, serverCliPath, ...args]];
}

/** A client that connects and never reads. */
function neverReads(port: number): net.Socket {
  const socket = net.connect({ port, host: '127.0.0.1' });
  socket.pause();
  socket.on('error', () => {}); // the server resets it
  return socket;
}

/** Wait until `lines` has one matching `pattern`. */
async function lineMatching(lines: string[], pattern: RegExp): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const line = lines.find((l) => pattern.test(l));
    if (line !== undefined) return line;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no line matching ${pattern} in:\n${lines.join('\n')}`);
}

describe('the slowpoetry command', () => {
  it('announces its port first, then a line per client and per chunk', async () => {
    const server = await serve('--num-bytes', '100', '--delay', '0.001', science);
    expect(server.lines[0]).toBe(`Serving ${science} on port ${server.port}.`);
    const result = await download(server.port);
    expect(result.bytes.byteLength).toBe(666);
    await lineMatching(server.lines, /^Somebody at 127\.0\.0\.1:\d+ wants poetry!$/);
    await lineMatching(server.lines, /^Sending 66 bytes$/); // 666 = 6 × 100 + 66
    expect(server.lines.filter((line) => line === 'Sending 100 bytes')).toHaveLength(6);
  });

  it('leaves out the chunk lines with --quiet', async () => {
    const server = await serve('--quiet', '--num-bytes', '100', '--delay', '0.001', science);
    await download(server.port);
    await lineMatching(server.lines, /wants poetry!$/);
    expect(server.lines.some((line) => line.startsWith('Sending'))).toBe(false);
  });

  it('applies --num-bytes and --delay: 666 bytes at 200 a chunk take 3 ticks', async () => {
    const server = await serve('--num-bytes', '200', '--delay', '0.05', science);
    const result = await download(server.port);
    expect(result.arrivals.length).toBeGreaterThanOrEqual(2);
    const total = result.endedAt - result.connectedAt;
    expect(total).toBeGreaterThan(140); // (4 chunks − 1) × 50 ms
    expect(total).toBeLessThan(1000);
  });

  it('listens on the interface --iface names, such as IPv6 loopback', async () => {
    const server = await serve('--iface', '::1', '--delay', '0', science);
    const result = await download(server.port, '::1');
    expect(result.bytes.byteLength).toBe(666);
    const refused = await download(server.port, '127.0.0.1');
    expect(refused.error?.code).toBe('ECONNREFUSED');
  });

  it('serves one client at a time with --one-at-a-time', async () => {
    const server = await serve('--one-at-a-time', '--num-bytes', '100', '--delay', '0.02', science);
    const [a, b] = await Promise.all([download(server.port), download(server.port)]);
    const [first, second] = a.arrivals[0]! < b.arrivals[0]! ? [a, b] : [b, a];
    expect(second.arrivals[0]!).toBeGreaterThanOrEqual(first.endedAt - 5);
  });

  it.each([
    ['--reset-after', 'ECONNRESET', /Resetting the connection to .* after 30 bytes/],
    ['--stall-after', undefined, /Stalling .* after 30 bytes/],
    ['--close-after', undefined, /Closing early on .* after 30 bytes/],
  ])('misbehaves on request with %s and says so', async (option, code, logged) => {
    const server = await serve(option, '30', '--num-bytes', '10', '--delay', '0.001', science);
    const result = await Promise.race([
      download(server.port),
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 300)), // a stalled download never ends
    ]);
    if (option === '--stall-after') expect(result).toBeUndefined();
    else expect(result?.error?.code).toBe(code);
    if (option === '--close-after') expect(result?.bytes.byteLength).toBe(30);
    await lineMatching(server.lines, logged);
  });

  it('logs a client that goes away mid-poem and goes on serving', async () => {
    const server = await serve('--num-bytes', '10', '--delay', '0.01', science);
    await download(server.port, '127.0.0.1', { destroyAfterBytes: 1 });
    // The client closes with unread bytes in its buffers, so its kernel resets the connection,
    // and the server learns of it on a read (ECONNRESET) or on its next write (EPIPE).
    await lineMatching(server.lines, /^127\.0\.0\.1:\d+ went away after \d+ bytes: (ECONNRESET|EPIPE)$/);
    const whole = await download(server.port);
    expect(whole.bytes.byteLength).toBe(666);
  });

  it('resets a connection beyond --max-connections, so that its client sees ECONNRESET, and says so', async () => {
    const server = await serve('--max-connections', '1', '--num-bytes', '50', '--delay', '0.02', science);
    const first = download(server.port);
    await lineMatching(server.lines, /wants poetry!$/);
    const second = await download(server.port);
    expect(second.error?.code).toBe('ECONNRESET');
    expect(second.bytes.byteLength).toBe(0);
    await lineMatching(server.lines, /^Too many connections: resetting 127\.0\.0\.1:\d+ \(at most 1 at once\)$/);
    expect((await first).bytes.byteLength).toBe(666);
  });

  it.runIf(process.platform === 'linux')(
    'defaults --max-connections to the open-file limit minus 64, and says how many in --help',
    async () => {
      // `ulimit -n 100` lowers both limits, so Node cannot raise its soft limit again: 100 − 64 = 36.
      const help = spawnSync(...underFileLimit(100, ['--help']), { encoding: 'utf8' });
      expect(help.stdout).toMatch(/\(default: the open-file limit minus 64, 36 here\)/);

      const child = spawn(...underFileLimit(100, ['--quiet', '--delay', '1', science]), { stdio: ['ignore', 'pipe', 'pipe'] });
      const lines = linesOf(child);
      const clients: net.Socket[] = [];
      try {
        const port = Number(/on port (\d+)\./.exec(await lineMatching(lines, /^Serving /))![1]);
        // 36 clients get their first chunk; the 37th is reset.
        for (let i = 0; i < 36; i++) clients.push(net.connect({ port, host: '127.0.0.1' }).on('error', () => {}));
        await Promise.all(clients.map((socket) => once(socket, 'data')));
        const turnedAway = await download(port);
        expect(turnedAway.error?.code).toBe('ECONNRESET');
        await lineMatching(lines, /^Too many connections: resetting 127\.0\.0\.1:\d+ \(at most 36 at once\)$/);
      } finally {
        for (const socket of clients) socket.destroy();
        child.kill('SIGTERM');
        await exitOf(child);
      }
    },
  );

  it.runIf(process.platform === 'linux')(
    'stays up when the process runs out of file descriptors, though clients beyond them get an empty poem and no error',
    async () => {
      // Why --max-connections has a default. Here 60 descriptors, about 20 of them
      // Node's own, and no connection limit to stop short of them.
      const args = ['--max-connections', '1000', '--quiet', '--num-bytes', '600', '--delay', '0.5', science];
      const child = spawn(...underFileLimit(60, args), { stdio: ['ignore', 'pipe', 'pipe'] });
      const lines = linesOf(child);
      try {
        const port = Number(/on port (\d+)\./.exec(await lineMatching(lines, /^Serving /))![1]);
        const results = await Promise.all(Array.from({ length: 80 }, () => download(port)));
        const whole = results.filter((result) => result.bytes.byteLength === 666);
        const empty = results.filter((result) => result.bytes.byteLength === 0 && result.error === undefined);
        expect(whole.length).toBeGreaterThan(10);
        expect(empty.length).toBeGreaterThan(10);
        expect(whole.length + empty.length).toBe(80);
        expect(child.exitCode).toBeNull();
        expect((await download(port)).bytes.byteLength).toBe(666);
      } finally {
        child.kill('SIGTERM');
        await exitOf(child);
      }
    },
  );

  it('gives up on a client that never reads after --send-timeout, logs it as gone, and serves the next one', async () => {
    const server = await serve('--one-at-a-time', '--send-timeout', '0.2', '--quiet', '--num-bytes', '1048576', bigPoemFile);
    const idle = neverReads(server.port);
    await lineMatching(server.lines, /wants poetry!$/);
    const next = await download(server.port);
    expect(next.bytes.byteLength).toBe(16 << 20);
    await lineMatching(server.lines, /^127\.0\.0\.1:\d+ went away after \d+ bytes: not reading for 0\.2 s$/);
    idle.destroy();
  });

  it('sends the whole poem to a client that closes its sending side at once, as nc -N does', async () => {
    const server = await serve('--num-bytes', '100', '--delay', '0.001', science);
    const received = await new Promise<number>((resolve, reject) => {
      let bytes = 0;
      const socket = net.connect({ port: server.port, host: '127.0.0.1', allowHalfOpen: true }, () => socket.end());
      socket.on('data', (chunk) => (bytes += chunk.byteLength));
      socket.on('end', () => resolve(bytes));
      socket.on('error', reject);
    });
    expect(received).toBe(666);
  });

  it('prints its usage with --help and exits 0', () => {
    const result = spawnSync(process.execPath, [serverCliPath, '--help'], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: slowpoetry \[options\] POEM_FILE/);
  });

  it('defaults to port 0 on localhost, 10 bytes a chunk, 0.1 s apart, a 30 s send timeout and a backlog of 4096, as --help and the README say', () => {
    const { options } = parseServeArgs([science]) as ServeCommand;
    const defaults = {
      '--port': options.port,
      '--iface': options.host,
      '--num-bytes': options.numBytes,
      '--delay': options.delay,
      '--send-timeout': options.sendTimeout,
      '--backlog': options.backlog,
    };
    expect(defaults).toEqual({
      '--port': 0,
      '--iface': 'localhost',
      '--num-bytes': 10,
      '--delay': 0.1,
      '--send-timeout': 30,
      '--backlog': 4096,
    });
    // Each option's text in --help (its continuation lines included), and its row's default column in the README.
    const help = spawnSync(process.execPath, [serverCliPath, '--help'], { encoding: 'utf8' }).stdout;
    const inHelp = new Map(help.split(/\n(?= {2}-)/).map((block) => [/^ {2}(--[\w-]+)/.exec(block)?.[1], block]));
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const inTable = new Map([...readme.matchAll(/^\| `(--[\w-]+)[^|]*\| ([^|]*) \|/gm)].map((m) => [m[1], m[2]!.trim()]));
    for (const [option, value] of Object.entries(defaults)) {
      expect(inHelp.get(option), option).toMatch(new RegExp(`\\(default: ${String(value).replace('.', '\\.')}(?![\\d.])`));
      expect(inTable.get(option), option).toBe(option === '--iface' ? `\`${value}\`` : String(value));
    }
  });

  it('documents in the README table every option its --help lists, and no other', () => {
    const help = spawnSync(process.execPath, [serverCliPath, '--help'], { encoding: 'utf8' }).stdout;
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const table = readme.slice(readme.indexOf('## Options'), readme.indexOf('\n## ', readme.indexOf('## Options') + 1));
    const inHelp = [...help.matchAll(/^ {2}(?:-h, )?(--[\w-]+)/gm)]
      .map((match) => match[1])
      .filter((option) => option !== '--help');
    const inTable = [...table.matchAll(/^\| `(--[\w-]+)/gm)].map((match) => match[1]);
    expect(inTable.sort()).toEqual(inHelp.sort());
    expect(inHelp).toContain('--max-connections');
    expect(inHelp).toContain('--send-timeout');
  });
});

describe('bad input to slowpoetry', () => {
  it.each([
    [[], /missing POEM_FILE/],
    [['no-such-poem.txt'], /cannot read poem file 'no-such-poem.txt': no such file/],
    [[poetryDir], /it is a directory/],
    [['--port', '70000', science], /--port takes a whole number from 0 to 65535, not '70000'/],
    [['--port', 'abc', science], /--port takes a whole number/],
    [['--port', '-1', science], /option '--port' needs a value/],
    [['--delay=-1', science], /--delay takes a number of seconds, zero or more, not '-1'/],
    [['--delay', 'soon', science], /--delay takes a number of seconds/],
    [['--num-bytes', '0', science], /--num-bytes takes a whole number from 1 to 16777216, not '0'/],
    [['--num-bytes', '16777217', science], /--num-bytes takes a whole number from 1 to 16777216, not '16777217'/],
    [['--num-bytes', '1.5', science], /--num-bytes takes a whole number/],
    [['--reset-after', '5', '--stall-after', '5', science], /at most one of/],
    [['--faults-for', '1', science], /--faults-for needs a fault/],
    [['--reset-after', '5', '--faults-for', '0', science], /--faults-for takes a whole number at least 1, not '0'/],
    [['--max-connections', '0', science], /--max-connections takes a whole number at least 1, not '0'/],
    [['--max-connections', 'lots', science], /--max-connections takes a whole number/],
    [['--send-timeout', '0', science], /--send-timeout must be more than zero seconds/],
    [['--send-timeout', 'soon', science], /--send-timeout takes a number of seconds/],
    [['--send-timeout', '9999999', science], /--send-timeout is at most 2147483 seconds/],
    [['--frobnicate', science], /unknown option '--frobnicate'/],
    [[science, science], /expected one POEM_FILE/],
  ])('rejects %j with one line and exit status 2', (args, message) => {
    // The timeout: input wrongly taken as good starts a server, which would never exit.
    const result = spawnSync(process.execPath, [serverCliPath, ...args], { encoding: 'utf8', timeout: 10_000 });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr.startsWith('slowpoetry: ')).toBe(true);
  });

  it('says so in one line when the port is in use', async () => {
    const server = await serve(science);
    const result = spawnSync(process.execPath, [serverCliPath, '--port', String(server.port), science], {
      encoding: 'utf8',
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`slowpoetry: port ${server.port} on localhost is already in use\n`);
  });
});

describe('the slowpoetry-scene command', () => {
  /** Run the scene with ARGS, wait for its Ready line, then `use` it; stop it with SIGTERM and return every line it printed. */
  async function scene(args: string[], use: (ports: number[], lines: string[]) => Promise<void>): Promise<string[]> {
    const child = spawn(process.execPath, [sceneCliPath, '--base-port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines = linesOf(child);
    const closed = once(child, 'close'); // stdout read to its end: every line is in
    try {
      await lineMatching(lines, /^Ready\./);
      const ports = lines.filter((line) => line.startsWith('Serving')).map((line) => Number(/on port (\d+)\./.exec(line)![1]));
      await use(ports, lines);
    } finally {
      child.kill('SIGTERM');
      await closed;
    }
    return lines;
  }

  it("starts the tutorial's three servers, Donne's poem at 30 bytes a chunk, shows client lines but no chunk lines, and says it is ready with the ports", async () => {
    const lines = await scene(['--speed', '100'], async (ports) => {
      const result = await download(ports[0]!);
      expect(result.bytes.byteLength).toBe(2764);
      // 2764 bytes at 30 a chunk is 93 chunks; at speed 100 each tick is 1 ms.
      expect(result.endedAt - result.connectedAt).toBeGreaterThan(80);
    });
    const serving = lines.filter((line) => line.startsWith('Serving'));
    expect(serving.map((line) => /Serving .*\/(\w+\.txt) on port \d+\./.exec(line)?.[1])).toEqual([
      'ecstasy.txt',
      'fascination.txt',
      'science.txt',
    ]);
    const ports = serving.map((line) => /on port (\d+)\./.exec(line)![1]);
    expect(lines[3]).toBe(
      `Ready. In another terminal, try: pnpm exec get-poetry-blocking ${ports.join(' ')}   (Ctrl-C stops the servers)`,
    );
    expect(lines).toContainEqual(
      expect.stringMatching(new RegExp(`^\\[${ports[0]}\\] Somebody at 127\\.0\\.0\\.1:\\d+ wants poetry!$`)),
    );
    expect(lines.filter((line) => line.includes('Sending'))).toEqual([]);
  });

  it('with --verbose also shows a line per chunk, and with --iface listens on that interface only', async () => {
    const lines = await scene(['--speed', '100', '--verbose', '--iface', '::1'], async (ports) => {
      const result = await download(ports[2]!, '::1');
      expect(result.bytes.byteLength).toBe(666);
      expect((await download(ports[2]!, '127.0.0.1')).error?.code).toBe('ECONNREFUSED');
    });
    const port = /on port (\d+)\./.exec(lines[2]!)![1];
    // science.txt at 10 bytes a chunk: 66 chunks of 10 and one of 6.
    expect(lines.filter((line) => line === `[${port}] Sending 10 bytes`)).toHaveLength(66);
    expect(lines).toContain(`[${port}] Sending 6 bytes`);
  });

  it('listens on ports 10000, 10001 and 10002 unless told otherwise, as its --help says', () => {
    const help = spawnSync(process.execPath, [sceneCliPath, '--help'], { encoding: 'utf8' }).stdout;
    expect(help).toMatch(/--base-port N +port of the first server; the others follow \(default: 10000\)/);
    expect([...help.matchAll(/^ {2}port (\d+): /gm)].map((m) => m[1])).toEqual(['10000', '10001', '10002']);
  });

  it('rejects a bad --speed with one line and exit status 2', () => {
    const result = spawnSync(process.execPath, [sceneCliPath, '--speed', '0'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe("slowpoetry-scene: --speed takes a number above zero, such as 10 or 0.5, not '0'\n");
  });

  it('rejects a --speed so small that no timer could wait the delay, with one line and exit status 2', () => {
    const result = spawnSync(process.execPath, [sceneCliPath, '--speed', '0.00000001'], { encoding: 'utf8', timeout: 10_000 });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^slowpoetry-scene: the delay \(0\.1 s ÷ --speed\) is at most 2147483 seconds/);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});

describe('stopping the servers', () => {
  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)(
    'slowpoetry closes every connection on %s and exits with status 0 (after Ctrl-C or SIGHUP, half a second later)',
    async (signal) => {
      const server = await spawnServer(['--num-bytes', '10', '--delay', '1', science]);
      const cut = download(server.port);
      await lineMatching(server.lines, /wants poetry!$/);
      const signalledAt = performance.now();
      server.child.kill(signal);
      expect(await exitOf(server.child)).toEqual({ code: 0, signal: null });
      const tookMs = performance.now() - signalledAt;
      if (signal !== 'SIGTERM') {
        // A lone Ctrl-C or SIGHUP: the server waits half a second for a second copy that never
        // comes, then exits. Not sooner (timed from before the signal was sent, so the wait is inside
        // it; 20 ms of slack for the timer's clock); not much later either, with slack for a busy machine.
        expect(tookMs).toBeGreaterThanOrEqual(480);
        expect(tookMs).toBeLessThan(500 + 2500);
      }
      expect((await cut).bytes.byteLength).toBeLessThan(666);
      // What the log says of a connection the shutdown cut short: it closed without an error.
      expect(server.lines).toContainEqual(
        expect.stringMatching(/^127\.0\.0\.1:\d+ went away after \d+ bytes: closed the connection$/),
      );
    },
  );

  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)(
    'slowpoetry-scene stops its three servers on %s and exits with status 0',
    async (signal) => {
      const child = spawn(process.execPath, [sceneCliPath, '--base-port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
      const lines = linesOf(child);
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
      await lineMatching(lines, /^Ready\./);
      const port = Number(/on port (\d+)\./.exec(lines[0]!)![1]);
      const cut = download(port);
      await lineMatching(lines, /wants poetry!$/);
      child.kill(signal);
      expect(await exitOf(child)).toEqual({ code: 0, signal: null });
      expect(stderr).toBe('');
      expect((await cut).bytes.byteLength).toBeLessThan(2764);
    },
  );
  // What a terminal and pnpm do together on Ctrl-C: the terminal signals the
  // scene, pnpm passes on its own copy a moment later. A copy that reaches a
  // process already on its way out would end it by the signal.
  it.each([1, 5, 10, 20, 40])(
    'slowpoetry-scene still exits with status 0 when a second SIGINT follows the first by %i ms',
    async (delayMs) => {
      const child = spawn(process.execPath, [sceneCliPath, '--base-port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
      const lines = linesOf(child);
      await lineMatching(lines, /^Ready\./);
      child.kill('SIGINT');
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      child.kill('SIGINT');
      expect(await exitOf(child)).toEqual({ code: 0, signal: null });
    },
  );
});

describe('pnpm servers', () => {
  // The root script runs the scene for a person at a terminal. Ctrl-C there goes
  // to every process of the foreground job — pnpm, its shell, the scene — so it is
  // sent here to a process group of its own. The script execs the scene (no shell
  // left to turn a signal into a failure), the scene ends with 0 when asked to
  // stop, and it waits for the copy of the signal pnpm passes on (see above), so
  // pnpm has nothing to report.
  it('stops on Ctrl-C with status 0 and no "ELIFECYCLE Command failed" from pnpm', async () => {
    const root = join(poetryDir, '..');
    const child = spawn('pnpm', ['servers', '--base-port', '0'], {
      cwd: root,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => (output += text));
    await new Promise<void>((resolve) =>
      child.stdout.setEncoding('utf8').on('data', (text: string) => {
        output += text;
        if (output.includes('Ready.')) resolve();
      }),
    );
    process.kill(-child.pid!, 'SIGINT');
    const [code] = (await once(child, 'close')) as [number | null];
    expect(code).toBe(0);
    expect(output).not.toMatch(/ELIFECYCLE/);
  }, 120_000);
});
