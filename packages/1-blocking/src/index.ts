// Stage 1: a blocking client on real blocking sockets. getPoetry(address) returns the poem.
export { getPoetry, type GetPoetryOptions } from './get-poetry.js';
