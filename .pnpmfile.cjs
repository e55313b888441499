// pnpm runs this hook as it reads each package.json during `pnpm install`.
//
// The repository root depends on every package under packages/ that has a
// command (a `bin`), so that `pnpm exec get-poetry-blocking`, `pnpm exec
// slowpoetry` and the like work from the root — including the command of a
// stage added later, without a list here or in the root package.json to keep in
// step: copy a stage's folder, rename it, `pnpm install`, and its command is
// there. (pnpm records the result in pnpm-lock.yaml, as for any dependency.)
'use strict';

const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const packagesDir = join(__dirname, 'packages');

function packagesWithCommands() {
  const found = {};
  for (const entry of readdirSync(packagesDir).sort()) {
    let manifest;
    try {
      manifest = JSON.parse(readFileSync(join(packagesDir, entry, 'package.json'), 'utf8'));
    } catch {
      continue; // not a package
    }
    if (manifest.name && manifest.bin) found[manifest.name] = 'workspace:*';
  }
  return found;
}

module.exports = {
  hooks: {
    readPackage(manifest) {
      if (manifest.name === 'slow-poetry') {
        manifest.devDependencies = { ...manifest.devDependencies, ...packagesWithCommands() };
      }
      return manifest;
    },
  },
};
