// Shared by the launchers in every package's bin/: import the compiled entry
// point, or explain in one line that the workspace has not been built yet
// (instead of a module-not-found stack trace). `--version` is answered here, for
// every program alike, from the package the launcher belongs to.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export async function launch(name, entry) {
  if (process.argv.slice(2).includes('--version')) {
    const manifest = JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', entry)), 'utf8'));
    process.stdout.write(`${name} ${manifest.version}\n`);
    return;
  }
  if (!existsSync(fileURLToPath(entry))) {
    process.stderr.write(`${name}: not built yet; run 'pnpm build' at the repository root\n`);
    process.exit(2);
  }
  await import(entry.href);
}
