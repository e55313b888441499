import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { removeScratchDirs, scratchDir } from '../src/helpers.js';

describe('scratch folders', () => {
  it('are fresh, and removed with their contents by removeScratchDirs()', () => {
    const [a, b] = [scratchDir('slow-poetry-helpers-'), scratchDir('slow-poetry-helpers-')];
    expect(a).not.toBe(b);
    writeFileSync(join(a, 'task-1.txt'), 'a poem');
    removeScratchDirs();
    expect(existsSync(a)).toBe(false);
    expect(existsSync(b)).toBe(false);
  });
});
