// The Distributed Map scale workload (bench::DMAP_DEFINITION) in wasm: a Standard parent whose
// Distributed Map runs one Express child per item. Prints the time of each run and the wasm
// memory's size after it (wasm memory only grows, so that is the peak).
//   node --expose-gc bench/dmap.mjs [--items N] [--runs R] [--wasm PATH]
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { loadEngine } from './engine.mjs';

const { values: opt } = parseArgs({ options: {
  items: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '3' },
  wasm: { type: 'string', default: new URL('../target/wasm32-unknown-unknown/release/bench.wasm', import.meta.url).pathname } } });
const n = Number(opt.items);
const engine = await loadEngine(opt.wasm);
const t0 = performance.now();
const handle = engine.prepareDmap(n);
const prepareMs = performance.now() - t0;
const times = [];
for (let r = 0; r < Number(opt.runs); r++) {
  globalThis.gc?.();
  const t = performance.now();
  const started = engine.run(handle);
  times.push(performance.now() - t);
  if (!started || !engine.finish()) throw new Error(`run failed: ${engine.lastResult()}`);
  const out = JSON.parse(engine.lastResult());
  if (out.count !== n || out.last[0].doubled !== (n - 1) * 2) throw new Error(`unexpected output ${engine.lastResult().slice(0, 200)}`);
}
times.sort((a, b) => a - b);
console.log(`dmap-${n} (wasm): median ${times[times.length >> 1].toFixed(0)} ms, min ${times[0].toFixed(0)} ms over ${times.length} runs ` +
  `(input build, parse and validation ${prepareMs.toFixed(0)} ms, untimed); wasm memory ${(engine.memoryBytes() / 1048576).toFixed(0)} MB`);
