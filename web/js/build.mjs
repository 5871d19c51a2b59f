// Bundles the editor bridge (editor.js and CodeMirror) into web/js/dist/editor.js.
// Run by Trunk before each build (Trunk.toml [[hooks]]); the bundle is not committed.
import { build } from 'esbuild';
await build({
  entryPoints: [new URL('./editor.js', import.meta.url).pathname],
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2020',
  outfile: new URL('./dist/editor.js', import.meta.url).pathname,
  logLevel: 'warning',
});
