import { fileURLToPath } from 'node:url';

// Through the index, as a stage imports them (which also removes their scratch folders after the file).
import { describeClientCli, describeTaskGroupCli } from '../src/index.js';

const here = (name: string): string => fileURLToPath(new URL(name, import.meta.url));

describeClientCli({ program: 'get-poetry-reference', cliPath: here('reference-cli.mjs') });

// The suite must be able to fail: a client that ends with the wrong exit status is caught.
describeClientCli({ program: 'get-poetry-reference', cliPath: here('broken-cli.mjs') }, { expectFailure: true });

describeTaskGroupCli({ program: 'get-poetry-reference', cliPath: here('reference-cli.mjs') });
describeTaskGroupCli({ program: 'get-poetry-reference', cliPath: here('broken-cli.mjs') }, { expectFailure: true });
