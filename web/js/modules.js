// The on-demand wasm modules' loader, shared by the page (extras.js, jsonata.js) and its Web
// Worker (engine-worker.js).
/** An on-demand wasm module in dist/<dir>/ (<name>.js and <name>_bg.wasm, from build.mjs):
 * load() fetches it once (a failed fetch may be tried again), call() asks it. `baseUrl`:
 * where dist/ is (the page's base; the worker's own address in the worker). */
export function onDemandModule(dir, name, what, baseUrl = document.baseURI) {
  let loading = null;
  let module = null;
  return {
    load() {
      if (!loading) {
        const base = new URL(`./${dir}/`, baseUrl);
        // A computed specifier: esbuild leaves this import to the browser.
        const specifier = new URL(`${name}.js`, base).href;
        loading = import(specifier).then(async (m) => {
          await m.default({ module_or_path: new URL(`${name}_bg.wasm`, base) });
          module = m;
        });
        loading.catch(() => { loading = null; });
      }
      return loading;
    },
    call(request) {
      if (!module) throw new Error(`the ${what} module is not loaded`);
      return module.call(request);
    },
  };
}

