// Run by Trunk before each build (Trunk.toml [[hooks]]); outputs go to web/js/dist/ (not
// committed):
// 1. the editor bridge (editor.js, jsonata.js and CodeMirror) bundled by esbuild;
// 2. the JSONata module (crate web/jsonata), loaded by the page only when a definition uses
//    JSONata: cargo → wasm-bindgen → wasm-opt, redone only when the cargo output changed.
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

const root = here('../../');
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
run('cargo', ['build', '--quiet', '--package', 'asl-jsonata', '--lib', '--target', 'wasm32-unknown-unknown', '--profile', 'web']);
const meta = JSON.parse(execFileSync('cargo', ['metadata', '--format-version', '1', '--no-deps'], { cwd: root }));
const built = `${meta.target_directory}/wasm32-unknown-unknown/web/asl_jsonata.wasm`;
const outDir = here('./dist/jsonata');
const out = `${outDir}/asl_jsonata_bg.wasm`;
if (!existsSync(out) || statSync(out).mtimeMs < statSync(built).mtimeMs) {
  mkdirSync(outDir, { recursive: true });
  run('wasm-bindgen', ['--target', 'web', '--no-typescript', '--out-dir', outDir, '--out-name', 'asl_jsonata', built]);
  // The same optimisation Trunk gives the page's own module.
  run('wasm-opt', ['-Oz', '--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext', '--enable-mutable-globals', '--enable-reference-types', '--enable-multivalue', out, '-o', out]);
}
