// Two builds of the engine, back to back on the same workloads (ours only, no peer): is B
// slower than A? Runs alternate A, B, A, B... so machine noise hits both alike.
//   node --expose-gc bench/ab.mjs A.wasm B.wasm [--runs N] [--warmup W] [name ...]
import { readFileSync, existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { loadEngine } from './engine.mjs';

const ORDER = ['pass-chain', 'map-10k', 'choice-loop', 'retry-heavy', 'parallel-fanout', 'payload-heavy'];
const { values: opt, positionals } = parseArgs({ allowPositionals: true, options: {
  runs: { type: 'string', default: '31' }, warmup: { type: 'string', default: '10' },
  workloads: { type: 'string', default: new URL('../../shared/bench/workloads/', import.meta.url).pathname } } });
const [pathA, pathB, ...names] = positionals;
if (!pathA || !pathB) { console.error('usage: ab.mjs A.wasm B.wasm [workload ...]'); process.exit(2); }
const DIR = opt.workloads.endsWith('/') ? opt.workloads : opt.workloads + '/';
const read = (f) => readFileSync(DIR + f, 'utf8');
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const engines = [await loadEngine(pathA), await loadEngine(pathB)];
console.log(`# A ${pathA} (${(engines[0].bytes / 1024).toFixed(0)} KiB) vs B ${pathB} (${(engines[1].bytes / 1024).toFixed(0)} KiB), runs=${opt.runs} each, alternating`);
console.log('workload          A_ms    B_ms   B/A');
for (const name of names.length ? names : ORDER) {
  const mocks = existsSync(DIR + `${name}.mocks.json`) ? read(`${name}.mocks.json`) : null;
  const handles = engines.map((e) => e.prepare(read(`${name}.asl.json`), read(`${name}.input.json`), mocks, name === 'map-10k'));
  const once = (i) => {
    globalThis.gc?.();
    const t0 = performance.now();
    const ok = engines[i].run(handles[i]);
    const ms = performance.now() - t0;
    if (!ok || !engines[i].finish()) throw new Error(`${name}: ${engines[i].lastResult()}`);
    return ms;
  };
  for (let w = 0; w < Number(opt.warmup); w++) { once(0); once(1); }
  const times = [[], []];
  for (let r = 0; r < Number(opt.runs); r++) for (const i of r % 2 ? [1, 0] : [0, 1]) times[i].push(once(i));
  const [a, b] = times.map(median);
  console.log(`${name.padEnd(16)} ${a.toFixed(2).padStart(6)}  ${b.toFixed(2).padStart(6)}  ${(b / a).toFixed(2)}`);
}
