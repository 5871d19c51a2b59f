// The JSONata module (web/jsonata, built by build.mjs into dist/jsonata/) is loaded only when
// a definition uses JSONata, so the first load stays small. Rust calls load() and call()
// (web/src/bindings.rs) and hands call() to its engine.
import { onDemandModule } from './modules.js';

const jsonata = onDemandModule('jsonata', 'asl_jsonata', 'JSONata');

// The answers the page's Web Worker gave while running a run ahead of the page (worker.js):
// the page's engine replays that run and finds every evaluation here, so it evaluates
// nothing itself. An answer depends only on its request (the clock and the seed are in it).
const answers = new Map();

/** Keeps a worker's answers ([request, answer, request, answer, ...]) for the next run. */
export function remember(tape) {
  answers.clear();
  for (let i = 0; i + 1 < tape.length; i += 2) answers.set(tape[i], tape[i + 1]);
}

window.AslJsonata = {
  /** Loads the module once; resolves when call() works, rejects with the reason. */
  load: () => jsonata.load(),
  /** One engine::jsonata::host_call request (JSON text) in, its answer out. */
  call: (request) => answers.get(request) ?? jsonata.call(request),
};

// Highlighting inside "{% ... %}" strings: the JSONata tokens get their own classes.
import { Decoration, ViewPlugin } from '@codemirror/view';
import { RangeSetBuilder, Prec } from '@codemirror/state';

const marks = {
  delim: Decoration.mark({ class: 'cm-jsonata-delim' }),
  expr: Decoration.mark({ class: 'cm-jsonata' }),
  variable: Decoration.mark({ class: 'cm-jsonata-var' }),
  func: Decoration.mark({ class: 'cm-jsonata-fn' }),
  number: Decoration.mark({ class: 'cm-jsonata-num' }),
  string: Decoration.mark({ class: 'cm-jsonata-str' }),
  keyword: Decoration.mark({ class: 'cm-jsonata-kw' }),
  operator: Decoration.mark({ class: 'cm-jsonata-op' }),
};

// One JSONata token at a time; the expression is JSON-escaped text, so \" is a quote.
const TOKEN = /(\$\$?[A-Za-z_]\w*)(?=\s*\()|(\$\$?\w*)|(\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|('(?:[^'\\]|\\.)*'|\\"(?:[^\\]|\\[^"])*?\\")|\b(and|or|in|true|false|null|function)\b|(:=|!=|<=|>=|~>|\.\.|\?:|\?\?|[-+*/%&=<>!?:;,.^|~@#])/g;

function decorate(view) {
  const builder = new RangeSetBuilder();
  for (const { from, to } of view.visibleRanges) {
    const text = view.state.doc.sliceString(from, to);
    const strings = /"\{%((?:[^"\\]|\\.)*?)%\}"/g;
    let m;
    while ((m = strings.exec(text))) {
      const start = from + m.index + 1;
      const body = m[1];
      builder.add(start, start + 2, marks.delim);
      let t;
      TOKEN.lastIndex = 0;
      const at = start + 2;
      if (body.length) builder.add(at, at + body.length, marks.expr);
      while ((t = TOKEN.exec(body))) {
        if (t[0].length === 0) { TOKEN.lastIndex++; continue; }
        const kind = t[1] ? 'func' : t[2] ? 'variable' : t[3] ? 'number' : t[4] ? 'string' : t[5] ? 'keyword' : 'operator';
        builder.add(at + t.index, at + t.index + t[0].length, marks[kind]);
      }
      builder.add(at + body.length, at + body.length + 2, marks.delim);
    }
  }
  return builder.finish();
}

// Highest precedence: these marks sit inside the JSON string's own highlighting span, so
// their colours win.
export const jsonataHighlight = Prec.highest(ViewPlugin.fromClass(class {
  constructor(view) { this.decorations = decorate(view); }
  update(u) { if (u.docChanged || u.viewportChanged) this.decorations = decorate(u.view); }
}, { decorations: (v) => v.decorations }));
