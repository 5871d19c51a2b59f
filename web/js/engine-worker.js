// The page's Web Worker (bundled by build.mjs into dist/engine-worker.js; started by
// worker.js). It holds the extras and JSONata modules and answers what may take long:
// TestState, exercise Markdown, project import and export, and the page's runs ahead of it
// (web/extras/src/run_ahead.rs). Every JSONata answer given during a request is recorded and
// sent back with the answer, so the page replays a run without evaluating JSONata itself.
// A trap (out of memory, stack overflow, a Rust abort) in either module ends this worker: the
// page is told what was being evaluated and starts a fresh one.
import { onDemandModule } from './modules.js';

const here = self.location.href;
const extras = onDemandModule('extras', 'asl_extras', 'extras', here);
const jsonata = onDemandModule('jsonata', 'asl_jsonata', 'JSONata', here);

// What one request may record: beyond it the page evaluates the rest itself (as it did
// before the worker), so a run with huge JSONata inputs cannot exhaust the page's memory.
const TAPE_LIMIT_CHARS = 64 * 1024 * 1024;
let tape = [];
let tapeChars = 0;
let crash = null;
let last = '';

// The extras module's engine calls this (js_namespace = AslJsonata) for every JSONata parse
// and evaluation.
self.AslJsonata = {
  call(request) {
    last = request;
    let answer;
    try {
      answer = jsonata.call(request);
    } catch (e) {
      crash = crash || e;
      throw e;
    }
    if (tapeChars + request.length + answer.length <= TAPE_LIMIT_CHARS) {
      tape.push(request, answer);
      tapeChars += request.length + answer.length;
    }
    return answer;
  },
};

// The JSONata expression a request evaluated last (its "text"), to name it in a crash report.
function lastExpression() {
  if (!last || last.length > 1_000_000) return '';
  try {
    return JSON.parse(last).text || '';
  } catch {
    return '';
  }
}

self.onmessage = async ({ data: { id, request, needsJsonata } }) => {
  try {
    await extras.load();
    if (needsJsonata) await jsonata.load();
  } catch (e) {
    self.postMessage({ id, failed: `the engine's modules could not be loaded (${e && e.message ? e.message : e})` });
    return;
  }
  tape = [];
  tapeChars = 0;
  crash = null;
  last = '';
  let answer = null;
  try {
    answer = extras.call(request);
  } catch (e) {
    crash = crash || e;
  }
  if (crash) {
    self.postMessage({ id, crashed: `${crash.name || 'Error'}: ${crash.message || crash}`, expression: lastExpression() });
    self.close();
    return;
  }
  const recorded = tape;
  tape = [];
  self.postMessage({ id, answer, tape: recorded });
};
