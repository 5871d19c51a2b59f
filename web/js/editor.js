// The bridge between the Yew app and CodeMirror 6. Bundled by esbuild (build.mjs) into
// web/js/dist/editor.js, which defines window.AslEditor. Rust calls only these functions
// (web/src/bindings.rs); everything else about the editor stays here.
import { EditorView, basicSetup } from 'codemirror';
import { json } from '@codemirror/lang-json';
import { yaml } from '@codemirror/lang-yaml';
import { lintGutter, setDiagnostics } from '@codemirror/lint';
import { autocompletion } from '@codemirror/autocomplete';
import { EditorState, StateEffect, StateField, Compartment } from '@codemirror/state';
import { Decoration, keymap } from '@codemirror/view';
import { syntaxTree } from '@codemirror/language';
import { jsonataHighlight } from './jsonata.js';
import './extras.js';
import './worker.js';

const views = [];

// A highlighted range (the selected state's definition).
const setMark = StateEffect.define();
const markField = StateField.define({
  create: () => Decoration.none,
  update(marks, tr) {
    marks = marks.map(tr.changes);
    for (const e of tr.effects) {
      if (e.is(setMark)) {
        marks = e.value ? Decoration.set([Decoration.mark({ class: 'cm-selected-state' }).range(e.value.from, e.value.to)]) : Decoration.none;
      }
    }
    return marks;
  },
  provide: (f) => EditorView.decorations.from(f),
});

// Where the cursor is in the JSON: the path of keys/indices to it and whether it is a key.
function jsonContext(state, pos) {
  let node = syntaxTree(state).resolveInner(pos, -1);
  const path = [];
  let inKey = false;
  let inString = node.name === 'String' || node.name === 'PropertyName';
  if (node.name === 'PropertyName') inKey = true;
  if (node.name === '{' || node.name === 'Object') inKey = true;
  // Inside an object, after a comma or brace, not after a colon: a key is expected.
  if (node.name === 'Object' || node.name === '⚠') {
    const before = state.sliceDoc(Math.max(0, pos - 200), pos).replace(/\s+$/, '');
    const last = before[before.length - 1];
    inKey = last === '{' || last === ',';
  }
  for (let n = node; n; n = n.parent) {
    if (n.name === 'Property') {
      const name = n.getChild('PropertyName');
      if (name && !(inKey && name.from <= pos && pos <= name.to)) {
        path.unshift(JSON.parse(state.sliceDoc(name.from, name.to)));
      }
    } else if (n.name === 'Array') {
      let i = 0;
      for (let c = n.firstChild; c; c = c.nextSibling) if (c.name === ',' && c.to <= pos) i++;
      path.unshift(i);
    }
  }
  const word = state.sliceDoc(node.from, pos);
  return { path, inKey, inString, from: inString ? node.from : pos, word };
}

// Inside a "{% ... %}" string: completes the `$name.field` word at the cursor (Rust decides
// what fits: $states fields where AWS allows them, variables in scope, JSONata functions).
function jsonataCompletion(ctx, c, provider) {
  const before = ctx.state.sliceDoc(c.from, ctx.pos);
  if (!before.startsWith('"{%')) return undefined;
  const m = /\$[\w.]*$/.exec(before);
  if (!m && !ctx.explicit) return null;
  const token = m ? m[0] : '';
  let items;
  try { items = JSON.parse(provider(JSON.stringify({ path: c.path, inKey: false, text: ctx.state.doc.toString(), jsonata: token }))); }
  catch { return null; }
  if (!items || !items.length) return null;
  return {
    from: ctx.pos - token.length,
    options: items.map((it) => ({ label: it.label, type: it.type, detail: it.detail, apply: it.label })),
    validFor: /^\$[\w.]*$/,
  };
}

function completionSource(provider) {
  return (ctx) => {
    // Completion reads JSON; a YAML definition is edited without it.
    if (ctx.view && ctx.view.yamlMode) return null;
    const c = jsonContext(ctx.state, ctx.pos);
    if (c.inString && !c.inKey) {
      const j = jsonataCompletion(ctx, c, provider);
      if (j !== undefined) return j;
    }
    if (!ctx.explicit && !c.inString && !/[\w"]$/.test(ctx.state.sliceDoc(ctx.pos - 1, ctx.pos))) return null;
    let items;
    try { items = JSON.parse(provider(JSON.stringify({ path: c.path, inKey: c.inKey, text: ctx.state.doc.toString() }))); }
    catch { return null; }
    if (!items || !items.length) return null;
    return {
      from: c.inString ? c.from : ctx.pos,
      options: items.map((it) => ({
        label: it.label, type: it.type, detail: it.detail, info: it.info,
        apply: c.inString ? JSON.stringify(it.label) : (c.inKey ? JSON.stringify(it.label) + ': ' : JSON.stringify(it.label)),
      })),
      validFor: /^"?[\w.$-]*"?$/,
    };
  };
}

const theme = new Compartment();
// JSON or YAML, decided by the text (as the engine decides): YAML stays YAML while editing.
const language = new Compartment();
const isYaml = (text) => { const m = /[^\s\ufeff]/.exec(text); return !!m && !'{["'.includes(m[0]); };
const languageFor = (yamlText) => (yamlText ? yaml() : [json(), jsonataHighlight]);
const themeFor = (dark) => EditorView.theme({}, { dark });

window.AslEditor = {
  /** Creates an editor in `parent`; returns its id. */
  create(parent, doc, onChange, onCursor, completions, onRun, onStep, dark) {
    const view = new EditorView({
      parent,
      state: EditorState.create({
        doc,
        extensions: [
          keymap.of([
            { key: 'Mod-Enter', run: () => { onRun(); return true; } },
            { key: 'F10', run: () => { onStep(); return true; } },
            { key: 'Shift-Alt-f', run: (v) => { window.AslEditor.format(views.indexOf(v)); return true; } },
          ]),
          basicSetup,
          language.of(languageFor(isYaml(doc))),
          lintGutter(),
          markField,
          theme.of(themeFor(dark)),
          completions ? autocompletion({ override: [completionSource(completions)] }) : [],
          EditorView.updateListener.of((u) => {
            if (u.docChanged) {
              const text = u.state.doc.toString();
              const y = isYaml(text);
              if (y !== u.view.yamlMode) {
                u.view.yamlMode = y;
                setTimeout(() => u.view.dispatch({ effects: language.reconfigure(languageFor(y)) }), 0);
              }
              onChange(text);
            }
            if (u.selectionSet && onCursor) onCursor(u.state.selection.main.head);
          }),
          EditorView.contentAttributes.of({ 'aria-label': 'State machine definition (JSON or YAML)' }),
        ],
      }),
    });
    view.yamlMode = isYaml(doc);
    views.push(view);
    return views.length - 1;
  },
  getText(id) { return views[id]?.state.doc.toString() ?? ''; },
  setText(id, text) {
    const v = views[id];
    if (!v || v.state.doc.toString() === text) return;
    v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: text } });
  },
  /** diagnostics: JSON text of [{from, to, severity: "error"|"warning", message}] (UTF-16 offsets). */
  setDiagnostics(id, diagnostics) {
    const v = views[id];
    if (!v) return;
    const len = v.state.doc.length;
    const list = JSON.parse(diagnostics).map((d) => ({ ...d, from: Math.min(d.from, len), to: Math.min(Math.max(d.to, d.from), len) }));
    v.dispatch(setDiagnostics(v.state, list));
  },
  /** Highlights [from, to) and scrolls it into view; from < 0 clears. */
  highlight(id, from, to, scroll) {
    const v = views[id];
    if (!v) return;
    const len = v.state.doc.length;
    // Offsets from a text longer than the one now shown can clip to nothing: CodeMirror
    // refuses an empty mark ("Mark decorations may not be empty"), so none is set.
    const range = from >= 0 && Math.min(from, len) < Math.min(to, len) ? { from: Math.min(from, len), to: Math.min(to, len) } : null;
    const effects = [setMark.of(range)];
    if (range && scroll) effects.push(EditorView.scrollIntoView(range.from, { y: 'center' }));
    v.dispatch({ effects });
  },
  format(id) {
    const v = views[id];
    if (!v || v.yamlMode) return false;
    try {
      const text = JSON.stringify(JSON.parse(v.state.doc.toString()), null, 2);
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: text } });
      return true;
    } catch { return false; }
  },
  setDark(id, dark) { views[id]?.dispatch({ effects: theme.reconfigure(themeFor(dark)) }); },
  focus(id) { views[id]?.focus(); },
  /** Draws SVG text on a canvas and downloads it as PNG. */
  exportPng(svg, width, height, filename) {
    const img = new Image();
    const url = URL.createObjectURL(new Blob([svg.replace('width="100%" height="100%"', `width="${width}" height="${height}"`)], { type: 'image/svg+xml' }));
    img.onload = () => {
      const canvas = document.createElement('canvas');
      canvas.width = Math.ceil(width * 2); canvas.height = Math.ceil(height * 2);
      const ctx = canvas.getContext('2d');
      ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.scale(2, 2); ctx.drawImage(img, 0, 0);
      URL.revokeObjectURL(url);
      canvas.toBlob((blob) => {
        const a = document.createElement('a');
        a.href = URL.createObjectURL(blob); a.download = filename; a.click();
        setTimeout(() => URL.revokeObjectURL(a.href), 1000);
      }, 'image/png');
    };
    img.src = url;
  },
};
