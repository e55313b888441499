// This stage's row of the fault matrix: its client (once per variant in its
// slowPoetry field) against every fault and every bad input, and the tools
// running it. The same line in every stage: the matrix reads the rest from
// package.json.
import { describeFaultMatrix } from '@slow-poetry/fault-matrix';

describeFaultMatrix(new URL('../', import.meta.url));
