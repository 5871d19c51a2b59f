// The page's side of its Web Worker (engine-worker.js): window.AslWorker, which Rust calls
// (web/src/bindings.rs). One worker at a time, started on first use; stop() terminates it
// (Cancel), and one that crashed is replaced by the next ask().
import { remember } from './jsonata.js';

let worker = null;
let next = 0;
const waiting = new Map();

function settleAll(error) {
  for (const { reject } of waiting.values()) reject(error);
  waiting.clear();
}

function start() {
  const w = new Worker(new URL('./engine-worker.js', document.baseURI), { type: 'module' });
  w.onmessage = ({ data }) => {
    const job = waiting.get(data.id);
    if (!job) return;
    waiting.delete(data.id);
    if (data.crashed !== undefined) {
      // The worker closed itself; the next ask() starts a fresh one.
      if (worker === w) worker = null;
      settleAll(new Error(JSON.stringify({ crashed: data.crashed, expression: data.expression })));
      job.reject(new Error(JSON.stringify({ crashed: data.crashed, expression: data.expression })));
    } else if (data.failed !== undefined) {
      job.reject(new Error(JSON.stringify({ failed: data.failed })));
    } else {
      if (job.record) remember(data.tape);
      job.resolve(data.answer);
    }
  };
  // An error outside a request (the worker script failed to load, a trap between messages).
  w.onerror = (e) => {
    e.preventDefault();
    if (worker === w) worker = null;
    w.terminate();
    settleAll(new Error(JSON.stringify({ crashed: e.message || 'the engine worker stopped' })));
  };
  return w;
}

window.AslWorker = {
  /** One extras-module request (JSON text) answered in the worker: a promise of the answer
   * text. `record`: keep the JSONata answers it gave for the page's own engine. Rejects with
   * JSON text {crashed, expression} (the worker died) or {failed} (it could not load). */
  ask(request, needsJsonata, record) {
    if (!worker) worker = start();
    const id = ++next;
    return new Promise((resolve, reject) => {
      waiting.set(id, { resolve, reject, record });
      worker.postMessage({ id, request, needsJsonata });
    });
  },
  /** Terminates the worker (Cancel): what it was doing is dropped, unanswered. */
  stop() {
    if (worker) worker.terminate();
    worker = null;
    settleAll(new Error(JSON.stringify({ stopped: true })));
  },
};
