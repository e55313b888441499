// Stage 5: promises and async iterables. The core is in get-poetry.ts; the command line in cli.ts,
// with the task group (task-group.ts) that gives it --fail-fast and --concurrency.
export { getPoetry, poetryChunks, type PoetryChunksOptions, type GetPoetryOptions } from './get-poetry.js';
export { TaskGroup, type TaskGroupOptions } from './task-group.js';
