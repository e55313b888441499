// Stage 2: non-blocking sockets and a select(2) loop written by hand.
export { getPoetry, type PoemResult, type GetPoetryOptions } from './get-poetry.js';
export { type Poller } from './wait.js';
