// The README's experiments, run as printed there (each command must still be in
// the README word for word), and its measured runs as relations.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { defaults, idealDuration, tutorialDelay, tutorialScene } from '@slow-poetry/slow-server';
import { cliAt, closedPort, closeServers, poem, poemPath, serve, serveProcess } from '@slow-poetry/test-kit';
import { afterEach, describe, expect, it } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const { runCli } = cliAt(fileURLToPath(new URL('../dist/cli.js', import.meta.url)));

/** Run a shell command as a learner would type it. */
function shell(command: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn('sh', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe.concurrent('the Deferred and Promise experiments, as printed in the README', () => {
  const experiment = (command: string) => {
    expect(readme).toContain(command);
    return shell(command);
  };

  // The experiments whose whole outcome is what they print.
  it.each([
    [
      '(1) runs a then callback from a microtask, after the code that is running, even on a settled promise',
      `node -e 'Promise.resolve("poem").then((poem) => console.log("then:", poem)); console.log("after then()")'`,
      'after then()\nthen: poem\n',
    ],
    [
      '(2) gives a new promise from then, the first one keeping its value',
      `node -e 'const p = Promise.resolve(1); const q = p.then((n) => n + 1); Promise.all([p, q]).then((values) => console.log(p === q, values))'`,
      'false [ 1, 2 ]\n',
    ],
    [
      '(3) skips the then callbacks down to the catch on a rejection',
      `node -e 'Promise.reject(new Error("refused")).then(() => console.log("got a poem")).catch((err) => console.log("caught:", err.message))'`,
      'caught: refused\n',
    ],
    [
      '(5) calls a finally callback with no arguments, and passes the result through whatever it returns',
      `node -e 'Promise.resolve("poem").finally((...args) => { console.log("finally got", args.length, "arguments"); return "ignored"; }).then((poem) => console.log("then:", poem))'`,
      'finally got 0 arguments\nthen: poem\n',
    ],
    [
      '(6) makes the promise from then follow a promise its callback returns, and settle with its value',
      `node -e 'Promise.resolve(1).then(() => new Promise((resolve) => setTimeout(() => resolve("later"), 100))).then((value) => console.log("then:", value))'`,
      'then: later\n',
    ],
  ])('%s', async (_name, command, stdout) => {
    expect((await experiment(command)).stdout).toBe(stdout);
  });

  it('(4) prints the error and its stack, and ends the process with exit status 1 on a rejection nobody handled, before a pending timer can run', async () => {
    const run = await experiment(
      `node -e 'Promise.reject(new Error("nobody listens")); setTimeout(() => console.log("still here"), 100)'; echo "exit status $?"`,
    );
    expect(run.stdout).toBe('exit status 1\n');
    expect(run.stderr).toContain('Error: nobody listens');
    expect(run.stderr).toMatch(/^ {4}at /m); // and its stack
  });
});

describe("the README's runs of the CLI", () => {
  afterEach(closeServers);

  it("gives the scene's downloads the times the README uses: 9.2 s, 5.9 s and 6.6 s", () => {
    const times = tutorialScene.map(({ poem: name, numBytes }) => idealDuration(poem(name).byteLength, numBytes, tutorialDelay));
    expect(times.map((seconds) => seconds.toFixed(1))).toEqual(['9.2', '5.9', '6.6']);
  });

  it('fails a never-ending poem at --max-bytes 100000 in about a second, with the server settings printed there', async () => {
    const serverArgs = ['--quiet', '--endless', '--num-bytes', '1000', '--delay', '0.01'];
    expect(readme).toContain(`pnpm exec slowpoetry --port 13201 ${serverArgs.join(' ')} poetry/science.txt`);
    expect(readme).toContain('pnpm exec get-poetry-promises --quiet --max-bytes 100000 13201');
    const server = await serveProcess([...serverArgs, poemPath('science.txt')]);
    const run = await runCli(['--quiet', '--max-bytes', '100000', String(server.port)]);
    expect(run.code).toBe(1);
    expect(run.lines[0]).toBe(
      `Task 1: failed to get poetry from 127.0.0.1:${server.port} after 100000 bytes: poem too long (EPOEMTOOLONG): more than 100000 bytes`,
    );
    expect(run.lines[1]).toMatch(/^Got 0 poems in 0:00:0\d\.\d{6}; 1 task failed$/);
    // 100 chunks make 100,000 bytes; the 101st, 100 × 0.01 s after the first, goes past the limit.
    const seconds = Number(/0:00:(\d\d\.\d{6})/.exec(run.lines[1]!)![1]);
    expect(seconds).toBeGreaterThanOrEqual(100 * 0.01 * 0.95);
    expect(seconds).toBeLessThan(2 * 100 * 0.01);
    // At the server's default pace, the same 100,000 bytes are 10,000 chunks 0.1 s apart: about 17 minutes.
    expect(readme).toContain("At the server's default pace, 10 bytes every 0.1 s, the same limit takes about 17");
    expect([defaults.numBytes, defaults.delay]).toEqual([10, 0.1]);
    expect(Math.round(idealDuration(100_001, defaults.numBytes, defaults.delay) / 60)).toBe(17);
  });

  it("with --fail-fast, cancels the scene's three downloads as soon as the fourth is refused, in a small fraction of the slowest download", async () => {
    const servers = await Promise.all(
      tutorialScene.map(({ poem: name, numBytes }) => serve({ poem: poem(name), numBytes, delay: tutorialDelay })),
    );
    const ends = servers.map(
      (server) => new Promise<string>((resolve) => server.once('end', (_client, outcome) => resolve(outcome))),
    );
    const refused = await closedPort();
    const ports = servers.map((server) => server.port);
    const run = await runCli(['--quiet', '--fail-fast', ...ports.map(String), String(refused)]);
    expect(run.code).toBe(1);
    expect(run.lines[0]).toBe(`Task 4: failed to get poetry from 127.0.0.1:${refused}: connection refused (ECONNREFUSED)`);
    // In task order, as the README prints them: the three sockets are closed in the order their
    // tasks were given the group's signal, and each rejection takes the same path to its report.
    expect(run.lines.slice(1, 4)).toEqual(
      ports.map((port, i) =>
        expect.stringMatching(
          new RegExp(`^Task ${i + 1}: cancelled the download from 127\\.0\\.0\\.1:${port}( after \\d+ bytes)?: task 4 failed$`),
        ),
      ),
    );
    expect(run.lines[4]).toMatch(/^Got 0 poems in \d+:\d\d:\d\d\.\d{6}; 1 task failed; 3 cancelled \(tasks 1, 2, 3\)$/);
    const seconds = Number(/0:00:(\d\d\.\d{6})/.exec(run.lines[4]!)![1]);
    const slowest = idealDuration(poem('ecstasy.txt').byteLength, 30, tutorialDelay);
    expect(seconds).toBeLessThan(slowest / 10);
    expect(await Promise.all(ends)).toEqual(['gone', 'gone', 'gone']);
  });

  it('without --fail-fast, gets the three poems in about the slowest download and exits with 1 (ten times faster)', async () => {
    const delay = tutorialDelay / 10;
    const servers = await Promise.all(
      tutorialScene.map(({ poem: name, numBytes }) => serve({ poem: poem(name), numBytes, delay })),
    );
    const [ecstasy, fascination, science] = tutorialScene.map(({ poem: name, numBytes }) =>
      idealDuration(poem(name).byteLength, numBytes, delay),
    );
    const run = await runCli(['--json', ...servers.map((server) => String(server.port)), String(await closedPort())]);
    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout) as { poems: number; failed: number; ms: number };
    expect(result).toMatchObject({ poems: 3, failed: 1 });
    expect(result.ms / 1000).toBeGreaterThanOrEqual(ecstasy!);
    expect(result.ms / 1000).toBeLessThan(fascination! + science!);
  });
});
