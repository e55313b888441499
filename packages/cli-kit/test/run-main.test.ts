// runMain and the signal handlers, in real child processes: what a user sees is
// stderr and an exit status.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

const kit = fileURLToPath(new URL('../dist/index.js', import.meta.url));

/** Run a snippet that imports the built kit as `kit`. */
function run(body: string): { status: number | null; stdout: string; stderr: string } {
  const source = `import * as kit from ${JSON.stringify(kit)};\n${body}`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', source], { encoding: 'utf8', timeout: 10_000 });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

describe('the launcher', () => {
  it('says in one line that the workspace is not built yet, and exits 2, when the compiled program is missing', () => {
    const launcher = fileURLToPath(new URL('../launch.js', import.meta.url));
    const missing = new URL('../no-such-dist/cli.js', import.meta.url).href;
    const source = `import { launch } from ${JSON.stringify(launcher)};\nawait launch('prog', new URL(${JSON.stringify(missing)}));`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', source], { encoding: 'utf8', timeout: 10_000 });
    expect(child).toMatchObject({
      status: 2,
      stdout: '',
      stderr: "prog: not built yet; run 'pnpm build' at the repository root\n",
    });
  });
});

describe('runMain', () => {
  it('turns a usage error into one line and exit status 2', () => {
    const result = run("kit.runMain('prog', () => { throw new kit.UsageError('--n is wrong'); });");
    expect(result).toMatchObject({ status: 2, stderr: 'prog: --n is wrong\n' });
  });

  it('turns any other error, thrown or rejected, into one line and exit status 1, with no stack trace', () => {
    const thrown = run("kit.runMain('prog', () => { throw new Error('it broke\\nsecond line'); });");
    expect(thrown.status).toBe(1);
    expect(thrown.stderr).toBe('prog: error: it broke\nsecond line\n');
    const rejected = run("kit.runMain('prog', async () => { throw new Error('later'); });");
    expect(rejected).toMatchObject({ status: 1, stderr: 'prog: error: later\n' });
  });

  it('shows the stack of an error that is not a usage error with SLOW_POETRY_DEBUG=1, after the one line', () => {
    const source = `import * as kit from ${JSON.stringify(kit)};\nkit.runMain('prog', () => { throw new Error('it broke'); });`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', source], {
      encoding: 'utf8',
      timeout: 10_000,
      env: { ...process.env, SLOW_POETRY_DEBUG: '1' },
    });
    expect(child.status).toBe(1);
    const [line, stack] = child.stderr.split('\n');
    expect(line).toBe('prog: error: it broke');
    expect(stack).toBe('Error: it broke');
    expect(child.stderr).toMatch(/^\s+at /m);
  });

  it("explains util.parseArgs' errors in one line each", () => {
    const unknown = run(
      "import { parseArgs } from 'node:util';\nkit.runMain('prog', () => { parseArgs({ args: ['--bogus'], options: {} }); });",
    );
    expect(unknown).toMatchObject({ status: 2, stderr: "prog: unknown option '--bogus' (see --help)\n" });
  });

  it('exits with the status main returns', () => {
    expect(run("kit.runMain('prog', async () => 3);").status).toBe(3);
    expect(run("kit.runMain('prog', () => {});").status).toBe(0);
  });
});

describe('onStopSignal', () => {
  it('calls its handler once for the first of SIGINT, SIGTERM and SIGHUP, with the status a shell expects', () => {
    for (const [signal, status] of [
      ['SIGINT', 130],
      ['SIGTERM', 143],
      ['SIGHUP', 129],
    ] as const) {
      const result = run(`
        kit.onStopSignal((signal) => { console.log(signal); process.exitCode = kit.statusFor(signal); });
        process.kill(process.pid, '${signal}');
        process.kill(process.pid, 'SIGINT'); // a second signal while stopping is ignored
        setTimeout(() => {}, 100);
      `);
      expect(result.stdout).toBe(`${signal}\n`);
      expect(result.status).toBe(status);
    }
  });

  it('stops listening when asked, so that a later signal ends the process the default way', () => {
    const result = run(`
      const stop = kit.onStopSignal(() => console.log('caught'));
      stop();
      process.kill(process.pid, 'SIGTERM');
      setTimeout(() => console.log('still here'), 1000);
    `);
    expect(result.stdout).toBe('');
    expect(result.status).toBeNull(); // ended by the signal itself
  });

  it('keeps its handlers once a signal has come, even when asked to stop: the copy pnpm exec sends after Ctrl-C is ignored', () => {
    const result = run(`
      const stop = kit.onStopSignal((signal) => { console.log(signal); stop(); });
      process.kill(process.pid, 'SIGINT');
      setTimeout(() => process.kill(process.pid, 'SIGTERM'), 50); // pnpm's copy, after the work is over
      setTimeout(() => console.log('still here'), 150);
    `);
    expect(result.stdout).toBe('SIGINT\nstill here\n');
    expect(result.status).toBe(0);
  });
});

describe('closeOnSignal', () => {
  /** Close on a signal (with a grace of 1 s), send `signals` some ms apart; what it printed, and how long after the first signal it exited. */
  function stopWith(signals: string[]): { status: number | null; ms: number } {
    const result = run(`
      const server = setInterval(() => {}, 1000); // what keeps a server's process alive until it closes
      kit.closeOnSignal(async () => clearInterval(server), 1000);
      let first;
      process.on('exit', () => console.log(Math.round(performance.now() - first)));
      ${JSON.stringify(signals)}.forEach((signal, i) => setTimeout(() => {
        first ??= performance.now();
        process.kill(process.pid, signal);
      }, 20 * i));
    `);
    return { status: result.status, ms: Number(result.stdout) };
  }

  it('after a lone Ctrl-C or SIGHUP, waits the grace for a copy of the signal, then exits 0', () => {
    for (const signal of ['SIGINT', 'SIGHUP']) {
      const { status, ms } = stopWith([signal]);
      expect(status).toBe(0);
      expect(ms).toBeGreaterThanOrEqual(1000);
    }
  });

  it('exits 0 as soon as the copy comes, and after SIGTERM at once (no copy follows one)', () => {
    for (const signals of [['SIGINT', 'SIGINT'], ['SIGTERM']]) {
      const { status, ms } = stopWith(signals);
      expect(status).toBe(0);
      expect(ms).toBeLessThan(1000);
    }
  });
});
