// The comparison as text: the APIs, the times, who held the thread, and a
// timeline per stage (the tutorial's Figures 1 and 3, drawn from the real run).
import type { Comparison, StageResult } from './compare.js';
import { lanes, seconds, tickLabel, ticks, type Lane } from './timeline.js';

export function renderText(result: Comparison, width = 100): string {
  const out: string[] = [];
  out.push(...scene(result), '');
  out.push(...apis(result), '');
  const ran = result.stages.filter((s) => s.status === 'ran');
  if (ran.length > 0) {
    out.push(...times(result, ran), '');
    out.push(...thread(ran), '');
    out.push(...timelines(result, ran, Math.max(60, width)), '');
  }
  out.push(...verdict(result));
  return out.join('\n');
}

function name(stage: StageResult): string {
  return `${Number.isNaN(stage.stage) ? '?' : stage.stage} ${stage.title}`;
}

function scene(result: Comparison): string[] {
  const delay = result.servers[0]?.delayMs ?? 0;
  const poemWidth = Math.max(...result.servers.map((s) => s.poem.length));
  const lines = [
    `Slow poetry, side by side: ${result.servers.length} slow servers, a chunk every ${+delay.toFixed(3)} ms` +
      (result.speed === 1 ? '' : ` (speed ${result.speed})`),
    ...result.servers.map(
      (s) =>
        `  ${s.address.padEnd(16)} ${s.poem.padEnd(poemWidth)}  ${String(s.bytes).padStart(5)} bytes, ` +
        `${s.numBytes} a chunk: ${s.chunks} chunks in ${seconds(s.idealMs)}`,
    ),
  ];
  const { cpus, loadBefore, loadAfter } = result.machine;
  if (Math.max(loadBefore, loadAfter) > cpus) {
    lines.push(
      `  note: the machine was busy (load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after, ` +
        `on ${cpus} processors):`,
      "  other programs' work shows up here as lateness, above all in the event-loop column.",
    );
  }
  for (const stage of result.stages.filter((s) => s.status === 'skipped')) {
    lines.push(`  skipped stage ${name(stage)}: ${stage.note}`);
  }
  return lines;
}

function apis(result: Comparison): string[] {
  const lines = ['1. The APIs: getPoetry as each package exports it (from its dist/get-poetry.d.ts)', ''];
  const w = Math.max(...result.stages.map((s) => name(s).length)) + 2;
  for (const stage of result.stages) {
    const missing = stage.status === 'skipped' ? '(no getPoetry declaration yet)' : '(no getPoetry in dist/get-poetry.d.ts)';
    const signature = stage.signature.length > 0 ? stage.signature : [missing];
    signature.forEach((line, i) => lines.push(`  ${(i === 0 ? name(stage) : '').padEnd(w)}${line}`));
    if (stage.returns) lines.push(`  ${''.padEnd(w)}returns: ${stage.returns}`);
  }
  return lines;
}

function table(header: string[], rows: string[][], right: boolean[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    '  ' +
    cells
      .map((c, i) => (right[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('   ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

function times(result: Comparison, ran: StageResult[]): string[] {
  const rows = ran.map((s) => [
    name(s),
    s.concurrent ? 'all at once' : 'one by one',
    seconds(s.run!.totalMs),
    `${seconds(s.idealMs)} (${s.ideal})`,
    `${(s.ratio ?? 0).toFixed(2)}×`,
    seconds(s.run!.processMs),
  ]);
  return [
    "2. The times: total against the ideal, the servers' own schedule",
    '',
    ...table(['stage', 'downloads', 'total', 'ideal', 'ratio', 'process'], rows, [false, false, true, true, true, true]),
    '',
    `  total: ${result.totalMeasuredBy}.`,
    '  ideal: the sum of the downloads for a client that takes them one by one, the slowest for one that takes',
    "  them all at once. process: spawn to exit, measured here (adds Node's start-up).",
  ];
}

function thread(ran: StageResult[]): string[] {
  const rows = ran.map((s) => {
    const loop = s.run!.loop;
    if (loop === undefined) return [name(s), '?', '?', '?'];
    const share = loop.wallMs > 0 ? Math.min(100, (100 * loop.heldMs) / loop.wallMs) : 0;
    return [name(s), seconds(loop.maxDelayMs), seconds(loop.heldMs), `${share.toFixed(0)} %`];
  });
  return [
    "3. Who held the thread: Node's event-loop delay inside each client while it ran",
    '',
    ...table(['stage', 'longest stall', 'held in all', 'of the run'], rows, [false, true, true, true]),
    '',
    '  A 5 ms timer inside each client notes how late it fires. A client that blocks (stages 1 and 2) holds',
    '  the thread while it waits, so the timer cannot fire; one that reacts to events leaves it free.',
  ];
}

export const legend = '. not connected yet   - connected, no bytes   # bytes arrived   | poem done   x failed';

function timelines(result: Comparison, ran: StageResult[], width: number): string[] {
  const drawn = ran.map((stage) => ({ stage, taskLanes: lanes(stage) }));
  const maxLabel = Math.max(...drawn.flatMap((d) => d.taskLanes.map((l) => l.label.length)));
  const labelWidth = maxLabel + 6;
  const suffix = 12;
  const cols = Math.max(20, width - labelWidth - suffix);
  const axisMs = result.axisMs > 0 ? result.axisMs : 1;
  const stepMs = axisMs / cols;
  const lines = [
    `4. Timelines: one row per task, every stage on the same axis (one column = ${seconds(stepMs)})`,
    '',
    `  ${legend}`,
  ];
  for (const { stage, taskLanes } of drawn) {
    lines.push('', `  stage ${name(stage)}: ${seconds(stage.run!.totalMs)}, ${stage.concurrent ? 'all at once' : 'one by one'}`);
    for (const lane of taskLanes) {
      const end = lane.endMs === undefined ? '' : ` ${seconds(lane.endMs)}`;
      lines.push(`    ${lane.label.padEnd(maxLabel)}  ${row(lane, cols, stepMs)}${end}`);
    }
  }
  lines.push('', ...axis(axisMs, cols, stepMs, labelWidth));

  // The same runs up close: a column a quarter of a tick, so that each read is a
  // '#' of its own and the waiting between reads shows as '-'.
  const tick = result.servers[0]?.delayMs ?? 0;
  if (tick > 0) {
    const zoomStep = tick / 4;
    const zoomCols = Math.min(cols, Math.ceil(axisMs / zoomStep));
    lines.push(
      '',
      `  Up close: the first ${seconds(zoomCols * zoomStep)} (one column = ${+zoomStep.toFixed(3)} ms, a quarter of the servers' tick)`,
    );
    for (const { stage, taskLanes } of drawn) {
      lines.push('', `  stage ${name(stage)}`);
      for (const lane of taskLanes) lines.push(`    ${lane.label.padEnd(maxLabel)}  ${row(lane, zoomCols, zoomStep)}`);
    }
    lines.push('', ...axis(zoomCols * zoomStep, zoomCols, zoomStep, labelWidth));
  }
  return lines;
}

/** One task's row: a character per column of `stepMs`. */
export function row(lane: Lane, cols: number, stepMs: number): string {
  const cells: string[] = [];
  const col = (ms: number): number => Math.min(cols - 1, Math.max(0, Math.floor(ms / stepMs)));
  const end = lane.endMs ?? Infinity;
  for (let c = 0; c < cols; c++) {
    const from = c * stepMs;
    if (from > end) cells.push(' ');
    else if (lane.connectedMs === undefined || from + stepMs <= lane.connectedMs) cells.push('.');
    else cells.push('-');
  }
  const inView = (ms: number): boolean => ms <= cols * stepMs + 1e-6;
  for (const at of lane.arrivals) if (inView(at)) cells[col(at)] = '#';
  if (lane.endMs !== undefined && inView(lane.endMs)) cells[col(lane.endMs)] = lane.outcome === 'done' ? '|' : 'x';
  return cells.join('');
}

function axis(axisMs: number, cols: number, stepMs: number, labelWidth: number): string[] {
  const marks = ticks(axisMs, Math.max(2, Math.floor(cols / 12)));
  const tickStep = marks[1] ?? axisMs;
  const ruler = Array.from({ length: cols }, () => '-');
  const labels = Array.from({ length: cols + 12 }, () => ' ');
  for (const t of marks) {
    const c = Math.min(cols - 1, Math.round(t / stepMs));
    ruler[c] = '+';
    const text = tickLabel(t, tickStep);
    const at = Math.max(0, Math.min(c - Math.floor(text.length / 2), cols + 12 - text.length));
    if (labels.slice(at, at + text.length + 1).every((ch) => ch === ' ')) labels.splice(at, text.length, ...text);
  }
  const pad = ' '.repeat(labelWidth);
  return [pad + ruler.join(''), (pad + labels.join('')).trimEnd()];
}

function verdict(result: Comparison): string[] {
  if (result.ok) {
    const n = result.stages.filter((s) => s.status === 'ran').length;
    return [`Every poem arrived whole, byte for byte, in ${n} ${n === 1 ? 'stage' : 'stages'}.`];
  }
  return ['FAILED:', ...result.failures.map((f) => `  ${f}`)];
}
