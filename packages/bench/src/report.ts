// BENCHMARKS.md: the figures of one run, as Markdown tables, with each target
// met or missed. The bench writes only between two markers, so that the notes
// written by hand around them (reasons, caveats) survive a new run.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname } from 'node:path';

import { UsageError } from '@slow-poetry/cli-kit';

import { fmtMs, type FidelityRow } from './cases/fidelity.js';
import { heapChunksIn, heapStallAfter, type HeapResult } from './cases/heap.js';
import { scalePoemBytes, type ScaleResult, type ScaleRow } from './cases/scale.js';
import { chunkBytes, megabyte, type ThroughputRow } from './cases/throughput.js';
import { describeReasons, type RunResult } from './run.js';
import type { BenchClient } from './stages.js';

export const beginMarker = '<!-- bench:begin (written by slow-poetry-bench; edit outside these markers) -->';
export const endMarker = '<!-- bench:end -->';

export interface BenchReport {
  command: string;
  startedAt: Date;
  seconds: number;
  loadBefore: number[];
  loadAfter: number[];
  clients: BenchClient[];
  skipped: string[];
  fidelity?: FidelityRow[];
  scale?: ScaleResult;
  throughput?: ThroughputRow[];
  heap?: HeapResult;
}

export const targets = {
  fidelitySpeed: 10,
  fidelityWithin: 0.02,
  scaleIdealAt1000: 1.5,
  scaleFloorAt10000: 1.05,
  cpuFloorAt10000: 1.25,
  memoryFloorAt10000: 1.5,
  /**
   * 100 MB ÷ 50 MB time: linear is 2, quadratic 4. Closer to 2 than to 4 on a
   * log scale (below 2√2) tells them apart; fixed costs push a short run below 2.
   */
  linearAtMost: 2 * Math.SQRT2,
};

const ratio = (x: number | undefined): string => (x === undefined || !Number.isFinite(x) ? '–' : `${x.toFixed(2)}×`);
const ratio3 = (x: number | undefined): string => (x === undefined || !Number.isFinite(x) ? '–' : `${x.toFixed(3)}×`);
const kb = (x: number): string => (Number.isFinite(x) ? `${Math.round(x).toLocaleString('en')} KB` : '–');
const mb = (xKb: number): string => (Number.isFinite(xKb) ? `${(xKb / 1024).toFixed(0)} MB` : '–');
const count = (n: number): string => n.toLocaleString('en');
const mark = (ok: boolean | undefined): string => (ok === undefined ? 'not measured' : ok ? '**met**' : '**missed**');

/** What went wrong in a run, if anything, in a few words. */
function trouble(result: RunResult): string {
  const parts = [];
  if (result.hung) parts.push('killed at its deadline (hung)');
  if (result.failed > 0) parts.push(describeReasons(result.reasons) || `${result.failed} failed`);
  if (result.ms === undefined && !result.hung) parts.push(`no result${result.stderr ? `: ${result.stderr}` : ''}`);
  return parts.join('; ');
}

function table(head: string[], rows: string[][]): string {
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

export function renderReport(report: BenchReport): string {
  return [
    runSection(report),
    section('Targets', [table(['Target', 'Worst case', 'Verdict'], targetRows(report))]),
    stageLinesSection(report),
    report.fidelity && fidelitySection(report.fidelity),
    report.scale && scaleSection(report.scale),
    report.scale && serverSection(report.scale),
    report.throughput && throughputSection(report.throughput),
    report.heap && heapSection(report.heap),
  ]
    .filter((part): part is string => typeof part === 'string' && part !== '')
    .join('\n');
}

/** What one more download keeps in each client's heap: in all, beyond the floor's, and the kinds of object it is made of. */
function heapSection(heap: HeapResult): string {
  const floor = heap.rows.find((row) => row.client.key === 'floor');
  const floorBytes = new Map(floor?.kinds.map((kind) => [kind.kind, kind]) ?? []);
  const bytes = (b: number): string => (Math.abs(b) >= 1024 ? `${(b / 1024).toFixed(1)} KB` : `${Math.round(b)} B`);
  const times = (n: number): string => (Math.abs(n - Math.round(n)) < 0.05 ? String(Math.round(n)) : n.toFixed(1));
  const rows = heap.rows.map((row) => {
    const own = row === floor;
    const kinds = row.kinds
      .map((kind) => {
        const base = own ? undefined : floorBytes.get(kind.kind);
        return { kind: kind.kind, count: kind.count - (base?.count ?? 0), bytes: kind.bytes - (base?.bytes ?? 0) };
      })
      .filter((kind) => kind.bytes >= 40)
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, 8)
      .map((kind) => `${times(kind.count)} × ${kind.kind} (${bytes(kind.bytes)})`);
    return [
      row.client.label,
      bytes(row.bytes),
      own || floor === undefined ? '–' : `+${bytes(row.bytes - floor.bytes)}`,
      kinds.join(', '),
    ];
  });
  return section('Memory, object by object', [
    `What one more download keeps in the client's JavaScript heap. Each client holds ${count(heap.n)} downloads open, ` +
      `${heapChunksIn} chunks in (the server sends ${heapStallAfter} of the poem's ${scalePoemBytes} bytes, then nothing), and writes a heap ` +
      `snapshot; its objects are counted by kind (a constructor's name, or closures, arrays, strings…), the same client's ` +
      `snapshot with one download is subtracted, and the difference divided by ${count(heap.n - 1)}. The last column lists ` +
      "the kinds that make up most of it: the floor's own, and for every other client what it keeps beyond the floor " +
      "(count and bytes per download). The scale case's memory per connection (peak RSS) also counts what is not in the heap: the " +
      'socket in Node and libuv, and the memory V8 reserves beyond its live objects.',
    table(['Client', 'Heap per download', 'Beyond the floor', 'Most of it (per download)'], rows),
    ...(heap.skipped.length > 0 ? [`Not counted: ${heap.skipped.join('; ')}.`] : []),
  ]);
}

/** `## Title`, then the paragraphs, each followed by a blank line. */
function section(title: string, paragraphs: string[]): string {
  return [`## ${title}`, '', ...paragraphs.flatMap((paragraph) => [paragraph, ''])].join('\n');
}

/** The command, the machine, its load, the clients. */
function runSection(report: BenchReport): string {
  const cpus = os.cpus();
  const lines = [
    `- Command: \`${report.command}\` (from the repository root; it builds first).`,
    `- When: ${report.startedAt.toISOString()}, ${report.seconds.toFixed(0)} s in all.`,
    `- Machine: ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ` +
      `${os.type()} ${os.release()} (${os.arch()}), Node ${process.version}.`,
    `- Load average (1 min) before and after: ${report.loadBefore[0]!.toFixed(2)} and ${report.loadAfter[0]!.toFixed(2)} ` +
      '(other work on the machine shares its cores with the bench).',
    `- Clients: ${report.clients.map((client) => client.label).join(', ')}. Each run is one process (see each case for how many tries it makes).`,
    ...(report.skipped.length > 0 ? [`- Not run: ${report.skipped.join('; ')}.`] : []),
  ];
  return section('The run', [lines.join('\n')]);
}

function stageLinesSection(report: BenchReport): string {
  const lines = stageLines(report);
  return lines.length === 0
    ? ''
    : section('Each stage in one line', ['For the stage READMEs to quote.', lines.map((line) => `- ${line}`).join('\n')]);
}

function fidelitySection(rows: FidelityRow[]): string {
  return section('Schedule fidelity', [
    "The tutorial's three servers (`slowpoetry-scene`, 0.1 s between chunks ÷ speed). Ideal: the sum of the three downloads for the blocking client, the slowest one for the others. Total: the client's own result record.",
    table(
      ['Speed', 'Client', 'Ideal', 'Total', 'Total ÷ ideal', 'Trouble'],
      rows.map((row) => [
        `${row.speed}`,
        row.client.label,
        fmtMs(row.idealMs),
        fmtMs(row.result.ms),
        ratio3(row.result.ms === undefined ? undefined : row.result.ms / row.idealMs),
        trouble(row.result),
      ]),
    ),
  ]);
}

function scaleSection(scale: ScaleResult): string {
  const rows = scale.rows.map((row) => {
    const base = scale.baselineRssKb.get(row.client.key) ?? NaN;
    return [
      count(row.n),
      row.client.label,
      fmtMs(row.result.ms) +
        (row.runs.length > 1 ? ` (median of ${row.runs.map((ms) => fmtMs(ms).replace(' s', '')).join(', ')} s)` : ''),
      ratio(row.result.ms === undefined ? undefined : row.result.ms / row.idealMs),
      row.client.concurrent ? ratio(row.floorRatio) : '–',
      row.result.cpuSeconds.toFixed(2),
      ratio(row.cpuRatio),
      ratio(row.keeperCpuRatio),
      mb(row.result.maxRssKb),
      kb((row.result.maxRssKb - base) / row.n),
      `${count(row.result.poems)} / ${count(row.n)}`,
      trouble(row.result),
    ];
  });
  return section('Scale', [
    'N downloads at once of a 100-byte poem, 10 bytes every 0.1 s (ideal 0.9 s each), from one server process with a listen backlog of 4096; every client with `--timeout 10`. ' +
      "Total ÷ floor compares with the plain `node:net` reader at the same N in the same run; where a size ran in several rounds (every client once per round), it is the median of each round's ratio to that round's floor, and the total shown is the median run. CPU: user + system seconds of the client process (less noisy than the total: it is what the client itself spent); peak RSS: the process's own peak resident memory; both recorded by the client process itself at exit (`process.resourceUsage()`). " +
      'Memory per connection: (peak RSS − peak RSS with one download) ÷ N. ' +
      "The keeper, where it ran, is the floor's client keeping each poem as its chunks and joining it once, as every stage must: its ratios to the floor are what keeping the poem costs, and a stage's CPU ÷ keeper what its model and its report cost beyond that. The targets compare with the floor.",
    table(
      [
        'Downloads',
        'Client',
        'Total',
        '÷ ideal',
        '÷ floor',
        'CPU s',
        'CPU ÷ floor',
        'CPU ÷ keeper',
        'Peak RSS',
        'Per connection',
        'Poems',
        'Trouble',
      ],
      rows,
    ),
    ...(scale.skipped.length > 0 ? [`Not run: ${scale.skipped.join('; ')}.`] : []),
  ]);
}

/** The bench's own server at the biggest size: how late its chunks left. */
function serverSection(scale: ScaleResult): string {
  const big = Math.max(...scale.rows.map((row) => row.n));
  return section('The server under load', [
    `How late the server process handed each chunk to the kernel, against its schedule (chunk k at connection start + k × 0.1 s), while serving ${count(big)} clients at once — one row per client run, the floor's first (the client shares the machine's two cores with the server).`,
    table(
      ['Client', 'Connections', 'Accepted over', 'Chunks', 'Late: median', '99th percentile', 'Worst', 'Connections ended'],
      scale.rows
        .filter((row) => row.n === big)
        .map((row) => [
          row.client.label,
          count(row.server.clients),
          fmtMs(row.server.acceptSpreadMs),
          count(row.server.chunks),
          `${row.server.lateMedianMs.toFixed(1)} ms`,
          `${row.server.lateP99Ms.toFixed(1)} ms`,
          `${row.server.lateMaxMs.toFixed(1)} ms`,
          Object.entries(row.server.outcomes)
            .map(([outcome, n]) => `${count(n)} ${outcome}`)
            .join(', '),
        ]),
    ),
  ]);
}

function throughputSection(rows: ThroughputRow[]): string {
  const floor = rows.find((row) => row.client.key === 'floor');
  const rate = (run: RunResult | undefined, size: number): number | undefined =>
    run?.ms === undefined ? undefined : size / (run.ms / 1000);
  const sizes = [...(rows[0]?.runs.keys() ?? [])];
  const biggest = Math.max(...sizes);
  const smallest = Math.min(...sizes);
  const floorRate = rate(floor?.runs.get(biggest), biggest);
  return section('Throughput', [
    `One poem of 50 MB and one of 100 MB (1 MB = 10⁶ bytes), from \`slowpoetry --delay 0 --num-bytes ${chunkBytes}\`. Each download five times, the fastest kept (a run lasts a fraction of a second, and the machine's other work only adds to it); MB/s from the 100 MB run. Linear: the 100 MB download takes about twice as long as the 50 MB one; quadratic buffering would take four times as long (or far more: joining a growing buffer on each of 1,600 reads copies tens of gigabytes). The verdict line is 2√2 ≈ 2.83×, halfway between the two on a log scale.`,
    table(
      [
        'Client',
        ...sizes.map((size) => `${size} MB`),
        'MB/s',
        '÷ floor',
        `${biggest} MB ÷ ${smallest} MB time`,
        'Peak RSS',
        'CPU s',
        'Trouble',
      ],
      rows.map((row) => {
        const big = row.runs.get(biggest);
        const small = row.runs.get(smallest);
        const r = rate(big, biggest);
        const whole = [...row.runs.entries()].every(([size, run]) => run.bytes === size * megabyte);
        return [
          row.client.label,
          ...sizes.map((size) => fmtMs(row.runs.get(size)?.ms)),
          r === undefined ? '–' : r.toFixed(0),
          ratio(r === undefined || floorRate === undefined ? undefined : r / floorRate),
          ratio(big?.ms === undefined || small?.ms === undefined ? undefined : big.ms / small.ms),
          mb(big?.maxRssKb ?? NaN),
          big?.cpuSeconds.toFixed(2) ?? '–',
          [whole ? '' : 'bytes missing', ...[...row.runs.values()].map(trouble)].filter(Boolean).join('; '),
        ];
      }),
    ),
  ]);
}

function targetRows(report: BenchReport): string[][] {
  const rows: string[][] = [];
  const worst = <T>(items: T[], score: (item: T) => number): T | undefined =>
    items.reduce<T | undefined>((a, b) => (a === undefined || score(b) > score(a) ? b : a), undefined);

  const fid = report.fidelity?.filter((row) => row.speed === targets.fidelitySpeed && row.client.stage !== undefined) ?? [];
  const off = (row: FidelityRow): number => (row.result.ms === undefined ? Infinity : Math.abs(row.result.ms / row.idealMs - 1));
  const fw = worst(fid, off);
  rows.push([
    `Schedule fidelity: every stage within ${targets.fidelityWithin * 100}% of ideal at speed ${targets.fidelitySpeed}`,
    fw ? `${fw.client.label}: ${ratio3(fw.result.ms === undefined ? undefined : fw.result.ms / fw.idealMs)}` : '–',
    mark(fw === undefined ? undefined : off(fw) <= targets.fidelityWithin),
  ]);

  const scale = report.scale?.rows ?? [];
  const at1000 = scale.filter((row) => row.n === 1000 && row.client.concurrent && row.client.stage !== undefined);
  const over = (row: (typeof scale)[number]): number =>
    row.result.ms === undefined || row.result.failed > 0 ? Infinity : row.result.ms / row.idealMs;
  const sw = worst(at1000, over);
  rows.push([
    `Scale: at 1,000 downloads, every concurrent stage within ${targets.scaleIdealAt1000}× ideal`,
    sw ? `${sw.client.label}: ${ratio(over(sw))}` : '–',
    mark(sw === undefined ? undefined : over(sw) <= targets.scaleIdealAt1000),
  ]);

  // At 10,000: every stage on Node's event loop against the plain client of the same rounds.
  const at10k = scale.filter((row) => row.n === 10_000 && row.client.stage !== undefined && !row.client.stage.holdsThread);
  const floorRow = scale.find((row) => row.n === 10_000 && row.client.key === 'floor');
  const twisted = scale.find((row) => row.n === 10_000 && row.client.key === 'twisted');
  const broken = (row: ScaleRow): boolean => row.result.ms === undefined || row.result.failed > 0 || row.result.hung;
  const vsFloor = (row: ScaleRow): number => (floorRow === undefined || broken(row) ? Infinity : (row.floorRatio ?? Infinity));
  const cpuVsFloor = (row: ScaleRow): number => (floorRow === undefined || broken(row) ? Infinity : (row.cpuRatio ?? Infinity));
  const perConnection = (row: ScaleRow | undefined): number =>
    row === undefined ? NaN : (row.result.maxRssKb - (report.scale?.baselineRssKb.get(row.client.key) ?? NaN)) / row.n;
  const memVsFloor = (row: ScaleRow): number => perConnection(row) / perConnection(floorRow);
  const failedAt10k = at10k.reduce((sum, row) => sum + (row.n - row.result.poems), 0);
  const tw = worst(at10k, vsFloor);
  rows.push([
    `Scale: at 10,000 downloads, every event-loop stage within ${targets.scaleFloorAt10000}× the plain client's time (median of the rounds' ratios), not one download hung`,
    tw ? `${tw.client.label}: ${ratio(vsFloor(tw))}; downloads not completed: ${failedAt10k}` : '–',
    mark(tw === undefined ? undefined : vsFloor(tw) <= targets.scaleFloorAt10000 && failedAt10k === 0),
  ]);
  const cw = worst(at10k, cpuVsFloor);
  rows.push([
    `Scale: at 10,000 downloads, every event-loop stage within ${targets.cpuFloorAt10000}× the plain client's CPU`,
    cw ? `${cw.client.label}: ${ratio(cpuVsFloor(cw))}` : '–',
    mark(cw === undefined ? undefined : cpuVsFloor(cw) <= targets.cpuFloorAt10000),
  ]);
  const mw = worst(at10k, memVsFloor);
  rows.push([
    `Scale: at 10,000 downloads, every event-loop stage within ${targets.memoryFloorAt10000}× the plain client's memory per connection`,
    mw ? `${mw.client.label}: ${ratio(memVsFloor(mw))}` : '–',
    mark(mw === undefined ? undefined : memVsFloor(mw) <= targets.memoryFloorAt10000),
  ]);
  const slowerThanTwisted = (row: ScaleRow): number =>
    twisted?.floorRatio === undefined || broken(twisted) ? NaN : vsFloor(row) / twisted.floorRatio;
  const ww = twisted === undefined ? undefined : worst(at10k, slowerThanTwisted);
  rows.push([
    'Scale: at 10,000 downloads, every event-loop stage no slower than the Twisted peer (each ÷ the floor of its rounds)',
    twisted === undefined
      ? 'the Twisted peer did not run here'
      : ww
        ? `${ww.client.label}: ${ratio(slowerThanTwisted(ww))} the Twisted peer's time`
        : '–',
    mark(ww === undefined ? undefined : slowerThanTwisted(ww) <= 1),
  ]);

  const tp = (report.throughput ?? []).filter((row) => row.client.stage !== undefined);
  const sizes = [...(tp[0]?.runs.keys() ?? [])];
  const growth = (row: ThroughputRow): number => {
    const big = row.runs.get(Math.max(...sizes))?.ms;
    const small = row.runs.get(Math.min(...sizes))?.ms;
    return big === undefined || small === undefined ? Infinity : big / small;
  };
  const gw = worst(tp, growth);
  const sizeNames = sizes.length > 0 ? [Math.max(...sizes), Math.min(...sizes)] : [100, 50];
  rows.push([
    `Throughput: ${sizeNames[0]} MB takes about twice as long as ${sizeNames[1]} MB, not four times (under ${targets.linearAtMost.toFixed(2)}×): no quadratic buffering`,
    gw ? `${gw.client.label}: ${ratio(growth(gw))}` : '–',
    mark(gw === undefined ? undefined : growth(gw) <= targets.linearAtMost),
  ]);
  return rows;
}

/** ` (1.15× the plain client's, 1.09× a plain client keeping each poem)`: the CPU ratios of the rounds, where those clients ran. */
function cpuBeside(row: ScaleRow): string {
  const against: string[] = [];
  if (row.cpuRatio !== undefined) against.push(`${ratio(row.cpuRatio)} the plain client's`);
  if (row.keeperCpuRatio !== undefined) against.push(`${ratio(row.keeperCpuRatio)} a plain client keeping each poem`);
  return against.length === 0 ? '' : ` (${against.join(', ')})`;
}

/** One line per stage with its headline figures. */
function stageLines(report: BenchReport): string[] {
  const keys = report.clients.filter((client) => client.stage !== undefined);
  return keys.map((client) => {
    const parts: string[] = [];
    const fid = report.fidelity?.find((row) => row.client.key === client.key && row.speed === targets.fidelitySpeed);
    if (fid?.result.ms !== undefined)
      parts.push(`the scene at speed ${fid.speed} in ${ratio3(fid.result.ms / fid.idealMs)} ideal`);
    const rows = report.scale?.rows.filter((row) => row.client.key === client.key) ?? [];
    const top = rows.at(-1);
    if (top?.result.ms !== undefined) {
      const floor = report.scale?.rows.find((row) => row.n === top.n && row.client.key === 'floor')?.result;
      const base = report.scale?.baselineRssKb.get(client.key) ?? NaN;
      // Beside the floor only where the floor ran at that size (and said how long it took).
      const besideFloor = client.concurrent && floor?.ms !== undefined;
      parts.push(
        `${count(top.n)} downloads ${client.concurrent ? 'at once' : 'one after another'} in ${fmtMs(top.result.ms)} ` +
          `(${ratio(top.result.ms / top.idealMs)} ideal${besideFloor ? `, ${ratio(top.floorRatio)} the plain node:net client` : ''}; ` +
          `${top.result.cpuSeconds.toFixed(2)} CPU s${client.concurrent ? cpuBeside(top) : ''}, ${kb((top.result.maxRssKb - base) / top.n)} per connection` +
          `${top.result.poems < top.n ? `; ${count(top.n - top.result.poems)} failed` : ''})`,
      );
    }
    const tp = report.throughput?.find((row) => row.client.key === client.key);
    if (tp) {
      const size = Math.max(...tp.runs.keys());
      const run = tp.runs.get(size);
      if (run?.ms !== undefined) parts.push(`${size} MB at ${(size / (run.ms / 1000)).toFixed(0)} MB/s`);
    }
    return `**${client.label}**: ${parts.join('; ') || 'no figures'}.`;
  });
}

/** The report as plain data, for --json: every figure, with the maps turned into objects. */
export function reportData(report: BenchReport): unknown {
  return JSON.parse(
    JSON.stringify(report, (_key, value: unknown) =>
      value instanceof Map ? Object.fromEntries(value as Map<unknown, unknown>) : value,
    ),
  );
}

/** Put the rendered report between the markers of `path`, keeping what is outside them. */
/**
 * Refuse, before anything is measured, a place the figures could not be written
 * to: a folder, or a file in a folder that is not there. (A run takes minutes;
 * finding out at its end would lose it.)
 */
export function checkOutput(path: string): void {
  if (existsSync(path) && !statSync(path).isFile()) throw new UsageError(`--output '${path}' is not a file`);
  const folder = dirname(path);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new UsageError(`--output '${path}': no folder '${folder}'`);
}

export function writeReport(path: string, body: string): void {
  const block = `${beginMarker}\n\n${body.trim()}\n\n${endMarker}`;
  if (!existsSync(path)) {
    writeFileSync(path, `# Benchmarks\n\n${block}\n`);
    return;
  }
  const text = readFileSync(path, 'utf8');
  const begin = text.indexOf(beginMarker);
  const end = text.indexOf(endMarker);
  const next =
    begin >= 0 && end > begin
      ? text.slice(0, begin) + block + text.slice(end + endMarker.length)
      : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(path, next);
}
