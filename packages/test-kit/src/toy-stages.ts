// Builds a packages/ folder of toy stages in a temporary directory, laid out as
// the real ones are (package.json with a slowPoetry field, bin/ launcher,
// dist/cli.js, dist/get-poetry.d.ts), so that the tools' own tests find them
// the same way they find the real ones, and know exactly how each behaves.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type ToyMode = 'concurrent' | 'sequential' | 'hog' | 'broken' | 'liar' | 'crash';

export interface ToySpec {
  stage: number;
  mode: ToyMode;
  /** Leave it as an unwritten placeholder (src/index.ts is `export {}`). */
  placeholder?: boolean;
  /** Written, but not built (no dist/). */
  unbuilt?: boolean;
  /** More of the slowPoetry field (variants, badInput, holdsThread…). */
  field?: Record<string, unknown>;
}

// From src/ (tests) and dist/ alike: the toy client is plain JavaScript, not compiled.
const toyClient = new URL('../toys/toy-client.js', import.meta.url).href;

export function toySignature(mode: ToyMode): string {
  return `getPoetry(address: Address, mode: '${mode}'): Promise<Uint8Array>`;
}

export function makeToyStages(specs: ToySpec[]): { dir: string; remove(): void } {
  const root = mkdtempSync(join(tmpdir(), 'compare-toys-'));
  for (const spec of specs) {
    const dir = join(root, `${spec.stage}-toy-${spec.mode}`);
    const bin = `get-poetry-toy-${spec.mode}`;
    mkdirSync(join(dir, 'bin'), { recursive: true });
    mkdirSync(join(dir, 'src'), { recursive: true });
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({
        name: `@toys/${spec.mode}`,
        type: 'module',
        bin: { [bin]: `bin/${bin}.js` },
        slowPoetry: {
          stage: spec.stage,
          title: `toy ${spec.mode}`,
          bin,
          returns: `a toy answer for ${spec.mode}`,
          concurrent: spec.mode !== 'sequential',
          ...spec.field,
        },
      }),
    );
    if (spec.placeholder) {
      writeFileSync(join(dir, 'src', 'index.ts'), '// Work in progress.\nexport {};\n');
      continue;
    }
    writeFileSync(join(dir, 'src', 'index.ts'), "export * from './get-poetry.js';\n");
    writeFileSync(join(dir, 'src', 'cli.ts'), '// the toy is written in JavaScript\n');
    writeFileSync(join(dir, 'bin', `${bin}.js`), "import '../dist/cli.js';\n");
    if (spec.unbuilt) continue;
    mkdirSync(join(dir, 'dist'), { recursive: true });
    writeFileSync(join(dir, 'dist', 'cli.js'), `import { toyMain } from '${toyClient}';\ntoyMain('${spec.mode}');\n`);
    writeFileSync(
      join(dir, 'dist', 'get-poetry.d.ts'),
      `import type { Address } from '@slow-poetry/shared';\nexport declare function ${toySignature(spec.mode)};\n`,
    );
  }
  return { dir: root, remove: () => rmSync(root, { recursive: true, force: true }) };
}
