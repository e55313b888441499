// Stage 5: promises and async iterables. The core is in get-poetry.ts; the command line in cli.ts.
export { getPoetry, poetryChunks, type PoetryChunksOptions, type GetPoetryOptions } from './get-poetry.js';
