// The README's table of counts is the matrix's own: the number of cases in each
// table, read from the tables themselves.
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { clientCases, faults, ownOutputCases } from '../src/index.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe("the README's counts", () => {
  it('are the numbers of cases in the tables', () => {
    const signalCases = ownOutputCases.filter((test) => test.when !== undefined).length / 2; // one of each pair applies
    const counts = {
      faults: faults.length,
      own: ownOutputCases.length - signalCases,
      badInput: clientCases.length,
    };
    expect(readme).toContain(`| faults on the network | ${counts.faults} |`);
    expect(readme).toContain(`| the client's own output, signals and limits | ${counts.own} |`);
    expect(readme).toContain(`| bad input common to every client | ${counts.badInput} |`);
  });
});
