#!/usr/bin/env node
// pnpm links this launcher at install time, before dist/ is built; it hands over to the compiled CLI.
import { launch } from '@slow-poetry/cli-kit/launch';

await launch('get-poetry-coroutines', new URL('../dist/cli.js', import.meta.url));
