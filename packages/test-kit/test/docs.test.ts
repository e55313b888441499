// The course's documents against the files they point at. A learner follows a
// README's links and believes its quotes, so both are checked:
//
// - every relative link leads to a file or folder that exists;
// - a link to a line, written [`code`](src/file.ts#L42), quotes that line: the
//   code must be on line 42 (so a change that moves or edits it fails here);
// - a code block marked <!-- quote: src/file.ts --> just before it is an excerpt
//   of that file: each of its lines, in order, is a line of the file ("…" lines
//   stand for the lines left out).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

import { describe, expect, it } from 'vitest';

import { defaultPackagesDir } from '../src/stages.js';

const root = join(defaultPackagesDir, '..');
const readmes = [
  join(root, 'README.md'),
  ...readdirSync(defaultPackagesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(defaultPackagesDir, entry.name))
    .flatMap((dir) =>
      readdirSync(dir)
        .filter((file) => file.endsWith('.md'))
        .map((file) => join(dir, file)),
    ),
].filter((path) => existsSync(path));

const links = (text: string): Array<{ label: string; target: string; line: number }> =>
  [...text.matchAll(/\[([^\]]*)\]\(([^)\s]+)\)/g)].map((match) => ({
    label: match[1]!,
    target: match[2]!,
    line: text.slice(0, match.index).split('\n').length,
  }));

const normalize = (line: string): string => line.trim().replace(/\s+/g, ' ');

describe.each(readmes.map((path) => [relative(root, path), path]))('%s', (_name, path) => {
  const text = readFileSync(path, 'utf8');
  const here = dirname(path);

  it('links only to files and folders that exist', () => {
    const broken = links(text)
      .filter(({ target }) => !/^[a-z]+:/i.test(target) && !target.startsWith('#'))
      .filter(({ target }) => !existsSync(resolve(here, decodeURI(target.split('#')[0]!))))
      .map(({ target, line }) => `line ${line}: ${target}`);
    expect(broken).toEqual([]);
  });

  it('quotes, in every link to a line, the code that is on that line', () => {
    const wrong: string[] = [];
    for (const { label, target, line } of links(text)) {
      const anchor = /^([^#]+)#L(\d+)$/.exec(target);
      if (!anchor) continue;
      const code = /^`(.+)`$/.exec(label)?.[1];
      if (code === undefined) {
        wrong.push(`line ${line}: the link to ${target} must quote the code it points at, as [\`code\`](${target})`);
        continue;
      }
      const lines = readFileSync(resolve(here, anchor[1]!), 'utf8').split('\n');
      const at = lines[Number(anchor[2]) - 1] ?? '';
      if (!normalize(at).includes(normalize(code))) {
        const found = lines.findIndex((l) => normalize(l).includes(normalize(code)));
        wrong.push(
          `line ${line}: ${target} is \`${at.trim()}\`, not \`${code}\`${found >= 0 ? ` (that is on line ${found + 1})` : ''}`,
        );
      }
    }
    expect(wrong).toEqual([]);
  });

  it('quotes, in every excerpt marked <!-- quote: FILE -->, lines that are in that file, in order', () => {
    const wrong: string[] = [];
    for (const match of text.matchAll(/<!-- quote: ([^ ]+) -->\s*\n```[a-z]*\n([\s\S]*?)```/g)) {
      const file = readFileSync(resolve(here, match[1]!), 'utf8').split('\n').map(normalize);
      let at = 0;
      for (const quoted of match[2]!.split('\n').map(normalize)) {
        if (quoted === '' || quoted === '…' || quoted === '// …') continue;
        const found = file.indexOf(quoted, at);
        if (found < 0) {
          wrong.push(`${match[1]}: \`${quoted}\` is not in the file (after line ${at})`);
          break;
        }
        at = found + 1;
      }
    }
    expect(wrong).toEqual([]);
  });
});
