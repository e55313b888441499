// What the stages' tests share: servers in this process (with cleanup), poems,
// a way to run a client's CLI as a real child process, and small waits. Nothing
// here imports vitest, so the helpers work in any test runner.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  idealDuration,
  poetryDir,
  spawnServer,
  tutorialDelay,
  tutorialScene,
  startServer,
  type Outcome,
  type ServerOptions,
  type ServerProcess,
  type SlowServer,
} from '@slow-poetry/slow-server';

import type { Address, TraceLine } from '@slow-poetry/shared';

export const poemPath = (name: string): string => join(poetryDir, name);
export const poem = (name: string): Buffer => readFileSync(poemPath(name));

/** The tutorial's `H:MM:SS.ffffff`, as a piece of a regular expression. */
export const durationPattern = String.raw`\d+:\d\d:\d\d\.\d{6}`;

const scratchDirs: string[] = [];

/**
 * A fresh scratch folder under the system's temporary folder. Each one is
 * removed, with everything in it, by removeScratchDirs(), which test-kit's
 * index runs after every test file, so a test run leaves nothing behind.
 */
export function scratchDir(prefix = 'slow-poetry-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratchDirs.push(dir);
  return dir;
}

/** Remove every folder scratchDir() has made so far. */
export function removeScratchDirs(): void {
  for (const dir of scratchDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

const servers: { close(): Promise<void> }[] = [];

/** A slow server in this process (fine for clients that never block the thread). */
export async function serve(options: ServerOptions): Promise<SlowServer & { address: Address }> {
  const server = await startServer({ numBytes: 10, delay: 0.005, ...options });
  servers.push(server);
  return Object.assign(server, { address: { host: '127.0.0.1', port: server.port } });
}

/**
 * A real `slowpoetry` process, started with these command-line arguments. A
 * blocking client stops this whole thread, so its server must live elsewhere.
 */
export async function serveProcess(args: string[]): Promise<ServerProcess & { address: Address }> {
  const server = await spawnServer(args);
  servers.push(server);
  return Object.assign(server, { address: { host: '127.0.0.1', port: server.port } });
}

/** Close every server `serve` and `serveProcess` started (call from afterEach). */
export async function closeServers(): Promise<void> {
  await Promise.all(servers.splice(0).map((server) => server.close()));
}

/** Resolves with how the server saw its next connection end. */
export function nextEnd(server: SlowServer): Promise<{ outcome: Outcome; bytesSent: number }> {
  return new Promise((resolve) => server.once('end', (_client, outcome, bytesSent) => resolve({ outcome, bytesSent })));
}

/**
 * A loopback port nobody listens on, for "connection refused". It is taken from
 * below the kernel's range of ephemeral ports (32768-60999 on Linux): a port
 * handed out by listen(0) and closed again would soon be handed to another test's
 * server, and a "refused" case would quietly download a poem from it.
 */
export async function closedPort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 10_000);
    const server = net.createServer();
    const free = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (!free) continue;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return port;
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The tasks that connected, in the order they did, from a trace's events (`--trace`, read with parseTrace). */
export function connectedTasks(events: readonly TraceLine[]): number[] {
  return events.flatMap((event) => (event.event === 'connected' ? [event.task] : []));
}

/** A port that never answers a connection request; close() lets go of it. */
export interface UnansweredPort {
  port: number;
  close(): void;
}

/**
 * A port whose connection requests go unanswered, as a host behind a firewall
 * that drops packets: a client's connect() neither succeeds nor fails, it waits
 * (the kernel resends its request after 1 s, 3 s, 7 s…). Made from a listener in
 * a process of its own that blocks its thread, so it never accepts anything; its
 * accept queue (backlog 1: two connections on Linux) is filled first, and the
 * kernel then drops every new request without an answer.
 */
export async function unansweredPort(): Promise<UnansweredPort> {
  const source = `
    import net from 'node:net';
    import { writeSync } from 'node:fs';
    const server = net.createServer();
    server.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
      writeSync(1, server.address().port + '\\n');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); // blocks for good: nothing is ever accepted
    });`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', source], { stdio: ['ignore', 'pipe', 'inherit'] });
  const fillers: net.Socket[] = [];
  const close = (): void => {
    for (const socket of fillers) socket.destroy();
    child.kill();
  };
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout!.setEncoding('utf8').once('data', (text: string) => resolve(Number(text.trim())));
      child.once('exit', () => reject(new Error('the unanswering listener exited before it listened')));
    });
    // Three connections fill its queue (the last of them may stay unanswered itself).
    await new Promise<void>((resolve) => {
      for (let i = 0; i < 3; i += 1) fillers.push(net.connect(port, '127.0.0.1', resolve).on('error', () => {}));
    });
    await sleep(200);
    return { port, close };
  } catch (error) {
    close();
    throw error;
  }
}

/** How many file descriptors this process holds open right now (Linux: /proc/self/fd). */
export const openDescriptors = (): number => readdirSync('/proc/self/fd').length;

/** Resolves once `check()` holds (polled), or fails after `ms`. */
export async function until(check: () => boolean, ms = 5000): Promise<void> {
  for (const started = performance.now(); !check(); await sleep(20)) {
    if (performance.now() - started > ms) throw new Error(`still not true after ${ms} ms: ${check.toString()}`);
  }
}

/** A client held right after it connects: see hold-after-connect.ts. */
export interface HeldClient {
  /** Run the client with these before its entry point (`node ...nodeArgs cli.js`)... */
  nodeArgs: string[];
  /** ...and this environment. */
  env: NodeJS.ProcessEnv;
  /** Resolves once the client has connected; from then on its thread is held. */
  connected(): Promise<void>;
  /** Let it go on. */
  release(): void;
}

/** Files in `dir` by which a test and a client held by hold-after-connect.ts tell each other when to go on. */
export function holdAfterConnect(dir: string): HeldClient {
  const [connected, goOn] = [join(dir, 'connected'), join(dir, 'go-on')];
  return {
    // From dist/ whether this module runs from src/ (test-kit's own tests) or dist/: Node runs no TypeScript.
    nodeArgs: ['--import', new URL('../dist/hold-after-connect.js', import.meta.url).href],
    env: { ...process.env, SLOW_POETRY_CONNECTED: connected, SLOW_POETRY_GO_ON: goOn },
    connected: () => until(() => existsSync(connected), 10_000),
    release: () => writeFileSync(goOn, ''),
  };
}

const [uvMajor = 0, uvMinor = 0] = process.versions.uv.split('.').map(Number);
/**
 * Whether this Node's libuv (1.52 and later: Node 24) reads on after a short read
 * that came with a hang-up, and so finds a reset waiting behind the last bytes.
 * Before 1.52 (Node 20 and 22) it takes them for the end of the stream. A client
 * started with process.execPath runs on the same libuv.
 */
export const readsOnAfterHangUp = uvMajor > 1 || (uvMajor === 1 && uvMinor >= 52);

/** How many TCP sockets this process holds open right now. */
export const openSockets = (): number =>
  process.getActiveResourcesInfo().filter((resource) => resource === 'TCPSocketWrap').length;

export interface CliRun {
  /** The exit status (null if a signal ended the process). */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout's lines, without the empty ones. */
  lines: string[];
}

export interface StartedCli {
  child: ChildProcess;
  /** Resolves once stdout has shown something matching `pattern`. */
  printed(pattern: RegExp): Promise<void>;
  /** Ctrl-C, as a terminal would send it. */
  interrupt(): void;
  done: Promise<CliRun>;
}

/** How to start Node for a CLI, when not as a user would: flags before the entry point, another environment. */
export interface SpawnWith {
  nodeArgs?: string[];
  env?: NodeJS.ProcessEnv;
}

/** Start a client's CLI (its `dist/cli.js` or its `bin/` launcher) in a child process, as a user would. */
export function startCli(
  cliPath: string,
  args: string[],
  whenOutput?: (stdout: string) => void,
  { nodeArgs = [], env }: SpawnWith = {},
): StartedCli {
  const child = spawn(process.execPath, [...nodeArgs, cliPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stdout = '';
  let stderr = '';
  const waiting: { pattern: RegExp; resolve: () => void }[] = [];
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
    for (const wait of waiting.filter((w) => w.pattern.test(stdout))) wait.resolve();
    whenOutput?.(stdout);
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const done = new Promise<CliRun>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) =>
      resolve({ code, signal, stdout, stderr, lines: stdout.split('\n').filter((line) => line !== '') }),
    );
  });
  return {
    child,
    printed: (pattern) =>
      pattern.test(stdout) ? Promise.resolve() : new Promise((resolve) => waiting.push({ pattern, resolve })),
    interrupt: () => void child.kill('SIGINT'),
    done,
  };
}

/**
 * Run a client's CLI to the end. `whenOutput(stdout, interrupt)` is called with
 * the output so far each time more arrives (to send Ctrl-C mid-run).
 */
export function runCli(
  cliPath: string,
  args: string[],
  whenOutput?: (stdout: string, interrupt: () => void) => void,
  spawnWith?: SpawnWith,
): Promise<CliRun> {
  const cli: StartedCli = startCli(
    cliPath,
    args,
    whenOutput && ((stdout) => whenOutput(stdout, () => cli.interrupt())),
    spawnWith,
  );
  return cli.done;
}

/** `runCli` and `startCli` for one client's entry point. */
export function cliAt(cliPath: string): {
  runCli(args: string[], whenOutput?: (stdout: string, interrupt: () => void) => void): Promise<CliRun>;
  startCli(args: string[], whenOutput?: (stdout: string) => void): StartedCli;
} {
  return {
    runCli: (args, whenOutput) => runCli(cliPath, args, whenOutput),
    startCli: (args, whenOutput) => startCli(cliPath, args, whenOutput),
  };
}

/** Run a snippet of ESM in a fresh Node process; resolves with its output and how long it lived. */
export function runScript(source: string): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--input-type=module', '-e', source], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr, ms: performance.now() - started }));
  });
}

/**
 * The processes still alive that carry `mark` in their environment (Linux:
 * /proc/PID/environ). Start a program with a mark in its environment; its
 * children inherit it; afterwards, this finds any it left behind.
 */
export function processesMarked(mark: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0').includes(mark)) found.push(Number(entry));
    } catch {
      // gone already, or not ours to read
    }
  }
  return found;
}

/**
 * The tutorial's three servers, as `slowpoetry-scene --speed F` starts them, but
 * each a real `slowpoetry` process on a free port, closed by closeServers(): a
 * client that holds its thread (stages 1 and 2) could never be answered by a
 * server in its own process. With each download's ideal length (ms).
 */
export async function serveSceneProcesses(speed: number): Promise<{ ports: number[]; ideals: number[] }> {
  const delay = tutorialDelay / speed;
  const servers = await Promise.all(
    tutorialScene.map(({ poem, numBytes }) =>
      serveProcess(['--quiet', '--num-bytes', String(numBytes), '--delay', String(delay), poemPath(poem)]),
    ),
  );
  return {
    ports: servers.map((server) => server.port),
    ideals: tutorialScene.map(({ poem: name, numBytes }) => idealDuration(poem(name).byteLength, numBytes, delay) * 1000),
  };
}
