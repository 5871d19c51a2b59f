// Run by Trunk before each build (Trunk.toml [[hooks]]); outputs go to web/js/dist/ (not
// committed):
// 1. the editor bridge (editor.js, jsonata.js, worker.js and CodeMirror) and the page's Web
//    Worker (engine-worker.js) bundled by esbuild;
// 2. the JSONata module (crate web/jsonata), loaded by the page only when a definition uses
//    JSONata, and 3. the extras module (crate web/extras: YAML, import, export), loaded only
//    when needed: cargo → wasm-bindgen → wasm-opt, redone only when the cargo output changed.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, statSync, mkdirSync } from 'node:fs';

const here = (p) => new URL(p, import.meta.url).pathname;

await build({
  entryPoints: [here('./editor.js')],
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2020',
  outfile: here('./dist/editor.js'),
  logLevel: 'warning',
});

// The page's Web Worker (engine-worker.js), a module worker of its own.
await build({
  entryPoints: [here('./engine-worker.js')],
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2020',
  outfile: here('./dist/engine-worker.js'),
  logLevel: 'warning',
});

const root = here('../../');
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
const meta = JSON.parse(execFileSync('cargo', ['metadata', '--format-version', '1', '--no-deps'], { cwd: root }));

// A wasm module the page loads on demand: crate → dist/<dir>/<name>_bg.wasm (+ its JS glue).
function onDemandModule(crate, dir) {
  const name = crate.replace(/-/g, '_');
  run('cargo', ['build', '--quiet', '--package', crate, '--lib', '--target', 'wasm32-unknown-unknown', '--profile', 'web']);
  const built = `${meta.target_directory}/wasm32-unknown-unknown/web/${name}.wasm`;
  const outDir = here(`./dist/${dir}`);
  const out = `${outDir}/${name}_bg.wasm`;
  if (!existsSync(out) || statSync(out).mtimeMs < statSync(built).mtimeMs) {
    mkdirSync(outDir, { recursive: true });
    run('wasm-bindgen', ['--target', 'web', '--no-typescript', '--out-dir', outDir, '--out-name', name, built]);
    // The same optimisation Trunk gives the page's own module.
    run('wasm-opt', ['-Oz', '--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext', '--enable-mutable-globals', '--enable-reference-types', '--enable-multivalue', out, '-o', out]);
  }
}

// 2. The JSONata module, loaded only when a definition uses JSONata.
onDemandModule('asl-jsonata', 'jsonata');
// 3. The extras module (YAML, project import and export), loaded only when a definition is
//    YAML or a project is opened or exported.
onDemandModule('asl-extras', 'extras');
