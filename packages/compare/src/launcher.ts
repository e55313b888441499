// Where compare's launcher is, for programs that run it as a user does (the
// fault matrix runs every stage through it).
import { fileURLToPath } from 'node:url';

/** `bin/slow-poetry-compare.js`: the same path from src/ and from dist/. */
export const compareLauncher = fileURLToPath(new URL('../bin/slow-poetry-compare.js', import.meta.url));
