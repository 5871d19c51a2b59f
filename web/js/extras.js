// The extras module (web/extras, built by build.mjs into dist/extras/): YAML, the project
// import and export. Loaded only when a definition is YAML or a project is opened or exported.
// Rust calls load() and call() (web/src/bindings.rs), and the file helpers below, which read
// what a file picker, a folder picker or a drop hands the page.
import { onDemandModule } from './modules.js';

const extras = onDemandModule('extras', 'asl_extras', 'extras');

// Files larger than this are left out of a project (a definition or template is far smaller).
const MAX_FILE_BYTES = 2 * 1024 * 1024;
const WANTED = /\.(json|ya?ml|tf)$/i;

async function readFiles(list) {
  const out = [];
  for (const { file, path } of list) {
    if (!WANTED.test(path) || file.size > MAX_FILE_BYTES) continue;
    out.push({ path, text: await file.text() });
  }
  return out;
}

// A dropped folder: its entries, read recursively (FileSystemEntry API).
function walk(entry, prefix, out) {
  return new Promise((resolve) => {
    if (entry.isFile) {
      entry.file((file) => { out.push({ file, path: prefix + entry.name }); resolve(); }, () => resolve());
    } else if (entry.isDirectory) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) return resolve();
      const reader = entry.createReader();
      const all = [];
      const next = () => reader.readEntries(async (batch) => {
        if (!batch.length) {
          for (const e of all) await walk(e, prefix + entry.name + '/', out);
          resolve();
        } else { all.push(...batch); next(); }
      }, () => resolve());
      next();
    } else resolve();
  });
}

window.AslExtras = {
  /** Loads the module once; resolves when call() works, rejects with the reason. */
  load: () => extras.load(),
  /** One engine::aws::module_call request (JSON text) in, its answer out. */
  call: (request) => extras.call(request),
  /** The files of an <input type=file> (a folder picker gives their relative paths): JSON text of [{path, text}]. */
  async fromInput(input) {
    const list = Array.from(input.files || []).map((file) => ({ file, path: file.webkitRelativePath || file.name }));
    return JSON.stringify(await readFiles(list));
  },
  /** The files (and folders) of a drop: JSON text of [{path, text}]. */
  async fromDrop(dataTransfer) {
    const list = [];
    const items = Array.from(dataTransfer.items || []);
    const entries = items.map((i) => (i.webkitGetAsEntry ? i.webkitGetAsEntry() : null)).filter(Boolean);
    if (entries.length) {
      for (const e of entries) await walk(e, '', list);
    } else {
      for (const file of Array.from(dataTransfer.files || [])) list.push({ file, path: file.name });
    }
    return JSON.stringify(await readFiles(list));
  },
  /** Offers base64 bytes as a file download. */
  downloadBase64(name, mime, b64) {
    const bin = atob(b64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([bytes], { type: mime }));
    a.download = name;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  },
};
