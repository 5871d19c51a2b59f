// Side-by-side benchmark: the engine compiled to wasm32 and aws-local-stepfunctions 3.0.0, in
// the same Node process, on ../shared/bench/workloads. Same method as ../shared/bench/peer.mjs:
// parse/validate outside the timed region, inputs cloned outside it, gc() before each timed
// run, W warm-ups, N timed runs, median; outputs checked against <name>.expected.json.
//
//   node --expose-gc bench/run.mjs [--runs N] [--warmup W] [--wasm PATH] [name ...]
import { readFileSync, existsSync } from 'node:fs';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { StateMachine } from 'aws-local-stepfunctions';
import { loadEngine } from './engine.mjs';

// aws-local-stepfunctions calls Promise.withResolvers (Node >= 22); Node 20 needs the standard
// polyfill, exactly as the shared peer harness installs it.
Promise.withResolvers ??= function withResolvers() {
  let resolve, reject;
  const promise = new this((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
};

const ORDER = ['pass-chain', 'map-10k', 'choice-loop', 'retry-heavy', 'parallel-fanout', 'payload-heavy'];
const { values: opt, positionals } = parseArgs({ allowPositionals: true, options: {
  runs: { type: 'string', default: '11' }, warmup: { type: 'string', default: '10' },
  wasm: { type: 'string', default: new URL('../target/wasm32-unknown-unknown/release/bench.wasm', import.meta.url).pathname },
  workloads: { type: 'string', default: new URL('../../shared/bench/workloads/', import.meta.url).pathname } } });
const DIR = opt.workloads.endsWith('/') ? opt.workloads : opt.workloads + '/';
const readText = (f) => readFileSync(DIR + f, 'utf8');
const load = (f) => JSON.parse(readText(f));
const RUNS = Number(opt.runs), WARMUP = Number(opt.warmup);

// ---- the engine, as plain WebAssembly ----
const engine = await loadEngine(opt.wasm);

// ---- the peer, set up as ../shared/bench/peer.mjs does ----
function buildHandlers(mocks) {
  const handlers = {};
  for (const [state, { keyPath, sequence }] of Object.entries(mocks)) {
    const calls = new Map();
    const keyOf = (input) => JSON.stringify(keyPath.split('.').slice(1).reduce((v, k) => (v == null ? v : v[k]), input));
    handlers[state] = (input) => {
      const key = keyOf(input);
      const n = calls.get(key) ?? 0;
      calls.set(key, n + 1);
      const step = sequence[Math.min(n, sequence.length - 1)];
      if (step.Throw) throw Object.assign(new Error(step.Throw.Cause), { name: step.Throw.Error });
      return structuredClone(step.Return);
    };
  }
  return handlers;
}
function retryOverrides(def, out = {}) {
  for (const [name, st] of Object.entries(def.States)) {
    if (st.Retry) out[name] = 0;
    for (const sub of [st.ItemProcessor, st.Iterator, ...(st.Branches ?? [])]) if (sub) retryOverrides(sub, out);
  }
  return out;
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

async function measure(runOnce) {
  for (let i = 0; i < WARMUP; i++) await runOnce();
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    globalThis.gc?.();
    times.push(await runOnce());
  }
  return { median: median(times), min: Math.min(...times), max: Math.max(...times) };
}

const states = { 'pass-chain': 1000, 'map-10k': 30001, 'choice-loop': 4002, 'retry-heavy': 1001, 'parallel-fanout': 4101, 'payload-heavy': 50 };
console.log(`# engine wasm32 (${(engine.bytes / 1024).toFixed(0)} KiB) vs aws-local-stepfunctions, node ${process.version}, runs=${RUNS} warmup=${WARMUP} gc=${typeof globalThis.gc === 'function'}`);
console.log('workload         ours_ms  peer_ms   ours_tr/s   peer_tr/s  ratio');
let failed = 0;
const rows = [];
for (const name of positionals.length ? positionals : ORDER) {
  const defText = readText(`${name}.asl.json`);
  const inputText = readText(`${name}.input.json`);
  const mocksText = existsSync(DIR + `${name}.mocks.json`) ? readText(`${name}.mocks.json`) : null;
  const expected = load(`${name}.expected.json`);
  try {
    // Ours. map-10k exceeds Standard's 25,000-event history quota, so it runs as EXPRESS.
    const handle = engine.prepare(defText, inputText, mocksText, name === 'map-10k');
    const ours = await measure(async () => {
      const t0 = performance.now();
      const started = engine.run(handle);
      const ms = performance.now() - t0;
      const ok = started && engine.finish();
      if (!ok) throw new Error(`engine run: ${engine.lastResult()}`);
      if (!isDeepStrictEqual(JSON.parse(engine.lastResult()), expected)) throw new Error('engine output differs from expected');
      return ms;
    });
    // The peer.
    const def = JSON.parse(defText), input = JSON.parse(inputText), mocks = mocksText ? JSON.parse(mocksText) : {};
    const sm = new StateMachine(def);
    const retry = retryOverrides(def);
    const peer = await measure(async () => {
      const inp = structuredClone(input);
      const options = { overrides: { taskResourceLocalHandlers: buildHandlers(mocks), retryIntervalOverrides: retry } };
      const t0 = performance.now();
      const output = await sm.run(inp, options).result;
      const ms = performance.now() - t0;
      if (!isDeepStrictEqual(output, expected)) throw new Error('peer output differs from expected');
      return ms;
    });
    const n = states[name];
    const ratio = peer.median / ours.median;
    rows.push({ name, ours, peer, ratio });
    console.log(`${name.padEnd(16)} ${ours.median.toFixed(2).padStart(7)} ${peer.median.toFixed(1).padStart(8)} ` +
      `${Math.round(n / (ours.median / 1000)).toString().padStart(11)} ${Math.round(n / (peer.median / 1000)).toString().padStart(11)} ${ratio.toFixed(1).padStart(5)}x`);
  } catch (e) {
    failed++;
    console.log(`${name.padEnd(16)} FAILED: ${e.message}`);
  }
}
if (rows.length) console.log(`lowest ratio: ${Math.min(...rows.map((r) => r.ratio)).toFixed(1)}x`);
process.exit(failed ? 1 : 0);
