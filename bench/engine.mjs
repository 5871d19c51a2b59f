// The engine's wasm32 bench module (crate bench, a C ABI) loaded as plain WebAssembly, for
// run.mjs and ab.mjs.
import { readFileSync } from 'node:fs';

/** Loads the module at `path`; `prepare` gives a handle, `run` times nothing and returns ok. */
export async function loadEngine(path) {
  const module = new WebAssembly.Module(readFileSync(path));
  // Older builds linked the JSONata library, whose chrono imports wasm-bindgen shims for `Date`
  // (never called: $now and $millis use the virtual clock); each import gets a stub that
  // throws if it were.
  const imports = {};
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imp.kind !== 'function') continue;
    (imports[imp.module] ??= {})[imp.name] = () => { throw new Error(`the engine called the host: ${imp.module}.${imp.name}`); };
  }
  const wasm = (await WebAssembly.instantiate(module, imports)).exports;
  const enc = new TextEncoder(), dec = new TextDecoder();
  const put = (text) => {
    if (text == null) return [0, 0];
    const bytes = enc.encode(text);
    const ptr = wasm.bench_alloc(bytes.length);
    new Uint8Array(wasm.memory.buffer, ptr, bytes.length).set(bytes);
    return [ptr, bytes.length];
  };
  const lastResult = () => dec.decode(new Uint8Array(wasm.memory.buffer, wasm.bench_result_ptr(), wasm.bench_result_len()));
  return {
    bytes: readFileSync(path).length,
    lastResult,
    /** Parses and validates (outside any timing); returns a handle. */
    prepare(defText, inputText, mocksText, express) {
      const [dp, dl] = put(defText), [ip, il] = put(inputText), [mp, ml] = put(mocksText);
      const handle = wasm.bench_prepare(dp, dl, ip, il, mp, ml, express ? 1 : 0, 1);
      if (handle < 0) throw new Error(`engine prepare: ${lastResult()}`);
      return handle;
    },
    /** The Distributed Map scale workload with `items` items (bench::DMAP_DEFINITION). */
    prepareDmap(items) {
      const handle = wasm.bench_dmap_prepare(items);
      if (handle < 0) throw new Error(`engine prepare: ${lastResult()}`);
      return handle;
    },
    /** The module's linear memory, in bytes (it only grows: the peak). */
    memoryBytes: () => wasm.memory.buffer.byteLength,
    /** Starts and runs to the end: the timed part. */
    run: (handle) => wasm.bench_run(handle),
    /** Reads the output (lastResult) and frees the execution. */
    finish: () => wasm.bench_finish(),
  };
}
