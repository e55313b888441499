// Stage 6: RxJS. The core is in get-poetry.ts; the operators in operators.ts; the command line in cli.ts.
export { getPoetry, type GetPoetryOptions } from './get-poetry.js';
export { idleTimeout, limitBytes } from './operators.js';
