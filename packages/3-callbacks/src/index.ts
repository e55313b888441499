// Stage 3: callbacks. The core is in get-poetry.ts; the command line in cli.ts.
export { getPoetry, type PoetryCallback, type GetPoetryOptions } from './get-poetry.js';
