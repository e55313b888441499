// What the comparison says while it runs (the default run takes over a minute).
// On a terminal: a bar per task, redrawn ten times a second from the servers'
// side (bytes sent to each client; the clients' traces are only read at the
// end). Elsewhere: a plain line as each stage starts and ends.
import type { ProgressSink, StageResult } from './compare.js';
import type { StageInfo } from './stages.js';
import { seconds } from './timeline.js';

interface Writable {
  write(text: string): unknown;
}

function stageName(stage: StageInfo): string {
  // A package with a malformed slowPoetry field has no stage number: it is skipped, and named by its folder.
  return `stage ${Number.isNaN(stage.stage) ? '?' : stage.stage} (${stage.title})`;
}

function summaryLine(stage: StageInfo, result: StageResult): string {
  const run = result.run!;
  const whole = run.tasks.filter((t) => t.whole).length;
  const head = `${stageName(stage)}: ${whole} of ${run.tasks.length} poems in ${seconds(run.totalMs)}`;
  const tail = `(ideal ${seconds(result.idealMs)}, the ${result.ideal}; ratio ${(result.ratio ?? 0).toFixed(2)})`;
  return `${head} ${tail}${result.ok ? '' : ' FAILED'}`;
}

export function plainProgress(out: Writable): ProgressSink {
  return {
    skipped: (stage, note) => out.write(`${stageName(stage)}: skipped, ${note}\n`),
    started: (stage, tasks) =>
      out.write(`${stageName(stage)}: downloading ${tasks.length} poems ${stage.concurrent ? 'all at once' : 'one by one'}…\n`),
    bytes: () => {},
    finished: (stage, result) => out.write(summaryLine(stage, result) + '\n'),
  };
}

export interface Bar {
  label: string;
  got: number;
  expected: number;
}

/** One line per task: `ecstasy.txt  [#######        ]  1200/2764 bytes`. */
export function renderBars(bars: Bar[], width = 30): string[] {
  const labelWidth = Math.max(...bars.map((b) => b.label.length));
  return bars.map((bar) => {
    const fraction = bar.expected > 0 ? Math.min(1, bar.got / bar.expected) : 1;
    const filled = Math.round(fraction * width);
    const count = `${bar.got}/${bar.expected} bytes`;
    return `    ${bar.label.padEnd(labelWidth)}  [${'#'.repeat(filled)}${' '.repeat(width - filled)}]  ${count}`;
  });
}

export function ttyProgress(out: Writable): ProgressSink {
  let bars: Bar[] = [];
  let title = '';
  let startedAt = 0;
  let drawn = 0; // lines on screen to redraw over
  let timer: NodeJS.Timeout | undefined;

  const draw = (): void => {
    const elapsed = seconds(performance.now() - startedAt);
    const lines = [`${title}  ${elapsed}`, ...renderBars(bars)];
    out.write((drawn > 0 ? `\x1b[${drawn}A` : '') + lines.map((line) => `\x1b[2K${line}\n`).join(''));
    drawn = lines.length;
  };
  const clear = (): void => {
    if (drawn > 0) out.write(`\x1b[${drawn}A\x1b[J`);
    drawn = 0;
  };

  return {
    skipped: (stage, note) => out.write(`${stageName(stage)}: skipped, ${note}\n`),
    started(stage, tasks) {
      title = `${stageName(stage)}: downloading ${stage.concurrent ? 'all at once' : 'one by one'}`;
      bars = tasks.map((t) => ({ label: t.label, got: 0, expected: t.expectedBytes }));
      startedAt = performance.now();
      draw();
      // unref: should the stage throw before finished(), the display must not keep the process alive.
      timer = setInterval(draw, 100).unref();
    },
    bytes(task, n) {
      const bar = bars[task - 1];
      if (bar) bar.got += n;
    },
    finished(stage, result) {
      clearInterval(timer);
      clear();
      out.write(summaryLine(stage, result) + '\n');
    },
  };
}
