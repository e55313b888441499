// Stage 4: coroutines by hand. The core is in get-poetry.ts; the runner in run.ts, the Future in
// future.ts; the same getPoetry with async/await in get-poetry-async.ts; the command line in cli.ts.
export { Future } from './future.js';
export { getPoetry, type GetPoetryOptions } from './get-poetry.js';
export { getPoetry as getPoetryAsync } from './get-poetry-async.js';
export { cancelledError, run, Task, type Coroutine } from './run.js';
