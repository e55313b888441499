// The matrix proves itself on the reference client, some sixty lines of plain
// node:net that keep the agreed command-line contract: if a case fails for it,
// the case is wrong, not a stage.
import { fileURLToPath } from 'node:url';

import { clientProgram, describeBadInput, describeFaults, describeOwnOutput, type ClientUnderTest } from '../src/index.js';

export const referenceClient: ClientUnderTest = {
  name: 'the reference client',
  program: 'get-poetry-reference',
  binPath: fileURLToPath(new URL('./fixtures/reference-client.mjs', import.meta.url)),
  extraArgs: [],
  badInput: {},
  holdsThread: false,
};

describeFaults([referenceClient]);
describeOwnOutput([referenceClient]);
describeBadInput([clientProgram(referenceClient)]);
