import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { afterEach, describe, expect, it } from 'vitest';

import { poetryDir } from '../src/poetry.js';
import { sceneCliPath, serverCliPath, spawnServer, type ServerProcess } from '../src/spawn.js';
import { download } from './helpers.js';

const science = join(poetryDir, 'science.txt');
const running: ServerProcess[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

async function serve(...args: string[]): Promise<ServerProcess> {
  const server = await spawnServer(args);
  running.push(server);
  return server;
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
    await lineMatching(server.lines, /^127\.0\.0\.1:\d+ went away after \d+ bytes/);
    const whole = await download(server.port);
    expect(whole.bytes.byteLength).toBe(666);
  });

  it('prints its usage with --help and exits 0', () => {
    const result = spawnSync(process.execPath, [serverCliPath, '--help'], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: slowpoetry \[options\] POEM_FILE/);
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
    [['--num-bytes', '0', science], /--num-bytes takes a whole number at least 1, not '0'/],
    [['--num-bytes', '1.5', science], /--num-bytes takes a whole number/],
    [['--reset-after', '5', '--stall-after', '5', science], /at most one of/],
    [['--frobnicate', science], /unknown option '--frobnicate'/],
    [[science, science], /expected one POEM_FILE/],
  ])('rejects %j with one line and exit status 2', (args, message) => {
    const result = spawnSync(process.execPath, [serverCliPath, ...args], { encoding: 'utf8' });
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
  it("starts the tutorial's three servers, Donne's poem at 30 bytes a chunk", async () => {
    const child = spawn(process.execPath, [sceneCliPath, '--base-port', '0', '--speed', '100'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    createInterface({ input: child.stdout }).on('line', (line) => lines.push(line));
    try {
      await lineMatching(lines, /^Ready\./);
      const serving = lines.filter((line) => line.startsWith('Serving'));
      expect(serving.map((line) => /Serving .*\/(\w+\.txt) on port \d+\./.exec(line)?.[1])).toEqual([
        'ecstasy.txt',
        'fascination.txt',
        'science.txt',
      ]);
      const port = Number(/on port (\d+)\./.exec(serving[0]!)![1]);
      const result = await download(port);
      expect(result.bytes.byteLength).toBe(2764);
      // 2764 bytes at 30 a chunk is 93 chunks; at speed 100 each tick is 1 ms.
      expect(result.endedAt - result.connectedAt).toBeGreaterThan(80);
    } finally {
      child.kill('SIGINT');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  });

  it('rejects a bad --speed with one line and exit status 2', () => {
    const result = spawnSync(process.execPath, [sceneCliPath, '--speed', '0'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe("slowpoetry-scene: --speed takes a number above zero, such as 10 or 0.5, not '0'\n");
  });
});
