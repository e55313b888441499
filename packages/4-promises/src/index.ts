// Stage 4: promises and async iterables. The core is in get-poetry.ts; the command line in cli.ts.
export { getPoetry, poetryChunks, type ChunkOptions, type PoetryOptions } from './get-poetry.js';
