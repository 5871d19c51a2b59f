// End-to-end smoke test of the built page (dist/) in Debian's headless Chromium.
// Prints one line per check and a closing "N passed, N failed".
import { chromium } from 'playwright-core';
import { serve } from './serve.mjs';

const server = await serve('dist');
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    // Playwright gives every launch a fresh, empty profile of its own.
    '--disable-component-update', '--disable-sync'],
});
let passed = 0, failed = 0;
async function check(name, fn) {
  try { await fn(); passed++; console.log(`ok   ${name}`); }
  catch (e) { failed++; console.log(`FAIL ${name}: ${e.message}`); }
}
const page = await browser.newPage();
const errors = [];
page.on('pageerror', (e) => errors.push(e.message));
await check('the page loads and shows the engine version', async () => {
  await page.goto(base);
  const text = await page.getByTestId('engine-version').textContent({ timeout: 15000 });
  if (!/^engine \d+\.\d+\.\d+$/.test(text)) throw new Error(`got ${JSON.stringify(text)}`);
});
await check('the built-in example validates', async () => {
  const text = await page.getByTestId('validation').textContent();
  if (!text.startsWith('Example is valid')) throw new Error(`got ${JSON.stringify(text)}`);
});
await check('no script errors', async () => { if (errors.length) throw new Error(errors.join('; ')); });
await page.screenshot({ path: 'dist/smoke.png' });
await browser.close();
server.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
