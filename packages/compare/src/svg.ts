// The timelines as SVG, written by hand (no dependency): one figure per stage
// and a combined one with every stage on the same time axis. At full resolution
// each read is a thin mark, so the waiting between reads shows as gaps.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Comparison, StageResult } from './compare.js';
import { lanes, seconds, tickLabel, ticks, type Lane } from './timeline.js';

const width = 880;
const left = 190; // room for the task labels
const right = 80; // room for the end times
const plot = width - left - right;
const laneHeight = 24;
const colors = {
  text: '#222',
  muted: '#777',
  grid: '#e4e4e4',
  waiting: '#b0b0b0',
  connected: '#dbe7f3',
  chunk: '#1f4e79',
  done: '#222',
  failed: '#c0392b',
};

interface Group {
  heading: string;
  lanes: Lane[];
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

function heading(stage: StageResult): string {
  const run = stage.run!;
  const loop = run.loop;
  // The longest stall tells the models apart even on a busy machine: a whole download against a few ms.
  const held = loop ? `; longest event-loop stall ${seconds(loop.maxDelayMs)}` : '';
  return (
    `Stage ${stage.stage} (${stage.title}), ${stage.concurrent ? 'all at once' : 'one by one'}: ` +
    `${seconds(run.totalMs)} (ideal ${seconds(stage.idealMs)}, the ${stage.ideal})${held}`
  );
}

function figure(title: string, groups: Group[], longestMs: number): string {
  const axisMs = longestMs > 0 ? longestMs : 1; // no stage ran: an empty figure, still well-formed
  const scale = (ms: number): number => left + (plot * ms) / axisMs;
  const n = (x: number): string => String(+x.toFixed(2));
  const body: string[] = [];
  let y = 44;
  const marks = ticks(axisMs, 8);
  const tickStep = marks[1] ?? axisMs;
  const top = y;

  for (const group of groups) {
    body.push(`<text x="12" y="${y + 14}" font-weight="bold">${escapeXml(group.heading)}</text>`);
    y += 24;
    for (const lane of group.lanes) {
      const mid = y + laneHeight / 2;
      body.push(`<text x="24" y="${mid + 4}">${escapeXml(lane.label)}</text>`);
      const end = lane.endMs ?? axisMs;
      if (lane.connectedMs === undefined || lane.connectedMs > 0) {
        // Waiting for its turn: not even connected yet.
        const until = lane.connectedMs ?? end;
        body.push(
          `<line x1="${n(scale(0))}" y1="${mid}" x2="${n(scale(until))}" y2="${mid}" stroke="${colors.waiting}" stroke-dasharray="2 3"/>`,
        );
      }
      if (lane.connectedMs !== undefined) {
        body.push(
          `<rect x="${n(scale(lane.connectedMs))}" y="${mid - 5}" width="${n(Math.max(0.5, scale(end) - scale(lane.connectedMs)))}" height="10" fill="${colors.connected}"/>`,
        );
      }
      if (lane.arrivals.length > 0) {
        const path = lane.arrivals.map((at) => `M${n(scale(at))} ${mid - 8}v16`).join('');
        body.push(`<path d="${path}" stroke="${colors.chunk}" stroke-width="1"/>`);
      }
      if (lane.endMs !== undefined) {
        const x = scale(lane.endMs);
        if (lane.outcome === 'done') {
          body.push(`<rect x="${n(x - 1.5)}" y="${mid - 9}" width="3" height="18" fill="${colors.done}"/>`);
        } else {
          body.push(
            `<path d="M${n(x - 5)} ${mid - 5}l10 10M${n(x + 5)} ${mid - 5}l-10 10" stroke="${colors.failed}" stroke-width="2"/>`,
          );
        }
        body.push(`<text x="${n(x + 8)}" y="${mid + 4}" fill="${colors.muted}">${escapeXml(seconds(lane.endMs))}</text>`);
      }
      y += laneHeight;
    }
    y += 10;
  }

  const grid = marks.map((t) => {
    const x = n(scale(t));
    return (
      `<line x1="${x}" y1="${top}" x2="${x}" y2="${y}" stroke="${colors.grid}"/>` +
      `<text x="${x}" y="${y + 16}" text-anchor="middle" fill="${colors.muted}">${escapeXml(tickLabel(t, tickStep))}</text>`
    );
  });
  const legendY = y + 40;
  // The legend: a symbol, then its words, left to right (about 7 px a character at 13 px).
  const symbols: Array<[(x: number) => string, string]> = [
    [
      (x) =>
        `<line x1="${x}" y1="${legendY - 4}" x2="${x + 24}" y2="${legendY - 4}" stroke="${colors.waiting}" stroke-dasharray="2 3"/>`,
      'not connected yet',
    ],
    [
      (x) => `<rect x="${x}" y="${legendY - 9}" width="24" height="10" fill="${colors.connected}"/>`,
      'connected, waiting for bytes',
    ],
    [
      (x) =>
        `<path d="M${x + 6} ${legendY - 12}v16M${x + 12} ${legendY - 12}v16M${x + 18} ${legendY - 12}v16" stroke="${colors.chunk}"/>`,
      'bytes arrived',
    ],
    [(x) => `<rect x="${x + 10}" y="${legendY - 12}" width="3" height="16" fill="${colors.done}"/>`, 'poem done'],
    [
      (x) =>
        `<path d="M${x + 7} ${legendY - 9}l10 10M${x + 17} ${legendY - 9}l-10 10" stroke="${colors.failed}" stroke-width="2"/>`,
      'failed',
    ],
  ];
  const legend: string[] = [];
  let x = 24;
  for (const [symbol, words] of symbols) {
    legend.push(symbol(x), `<text x="${x + 30}" y="${legendY}">${escapeXml(words)}</text>`);
    x += 30 + words.length * 7 + 24;
  }
  const height = legendY + 16;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="13" fill="${colors.text}">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="12" y="24" font-size="16" font-weight="bold">${escapeXml(title)}</text>`,
    ...grid,
    ...body,
    ...legend,
    '</svg>',
    '',
  ].join('\n');
}

/** One stage's timeline, on the axis every stage shares, so that the figures compare directly. */
export function stageSvg(result: Comparison, stage: StageResult): string {
  return figure(
    `Slow poetry, stage ${stage.stage}: ${stage.title}`,
    [{ heading: heading(stage), lanes: lanes(stage) }],
    result.axisMs,
  );
}

export function combinedSvg(result: Comparison): string {
  const ran = result.stages.filter((s) => s.status === 'ran');
  const speed = result.speed === 1 ? '' : ` (speed ${result.speed})`;
  return figure(
    `Slow poetry, side by side: the same ${result.servers.length} downloads, stage by stage${speed}`,
    ran.map((stage) => ({ heading: heading(stage), lanes: lanes(stage) })),
    result.axisMs,
  );
}

/** The file names, e.g. stage-1-toy-sequential.svg. */
export function stageFileName(stage: StageResult): string {
  const slug = stage.title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return `stage-${stage.stage}-${slug || 'untitled'}.svg`;
}

/** Write every stage's timeline and the combined figure into `dir`; returns the paths written. */
export function writeSvgs(result: Comparison, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const stage of result.stages.filter((s) => s.status === 'ran')) {
    const path = join(dir, stageFileName(stage));
    writeFileSync(path, stageSvg(result, stage));
    written.push(path);
  }
  const path = join(dir, 'comparison.svg');
  writeFileSync(path, combinedSvg(result));
  written.push(path);
  return written;
}
