// End-to-end checks of real projects in the page: a SAM project folder opened (tabs, the
// Substitutions panel prefilled, the graph, a run on mocks), a YAML edit with an error marked
// on its line, a share link carrying substitutions into a fresh profile, a SAM export opened
// again. Called by smoke.mjs with its helpers.
import { readFileSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';

/** The files of a zip archive: {path: text} (stored or deflated entries). */
export function unzip(buf) {
  const files = {};
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error('not a zip archive');
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error('bad central directory');
    const method = buf.readUInt16LE(at + 10);
    const size = buf.readUInt32LE(at + 20);
    const nameLen = buf.readUInt16LE(at + 28), extraLen = buf.readUInt16LE(at + 30), commentLen = buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.toString('utf8', at + 46, at + 46 + nameLen);
    const dataAt = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(dataAt, dataAt + size);
    files[name] = (method === 8 ? inflateRawSync(data) : data).toString('utf8');
    at += 46 + nameLen + extraLen + commentLen;
  }
  return files;
}

export async function projectChecks({ check, expect, page, browser, base, shot, typeDefinition, waitStatus, nodeStatus }) {
  const project = 'tests/data/projects/sam-orders';
  const tabs = () => page.locator('[data-testid=machine-tab]').allTextContents();
  const subValue = (name) => page.locator(`[data-testid=substitutions] tr[data-name="${name}"] input`).inputValue();

  await check('a SAM project folder opens as tabs with its substitutions, draws its graph and runs on mocks', async () => {
    await page.getByTestId('open-folder').setInputFiles(project);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=machine-tab]').length === 2, null, { timeout: 15000 });
    const names = await tabs();
    expect(names.some((t) => t.includes('OrderFlow')) && names.some((t) => t.includes('ShipFlow')), `tabs: ${names.join(' | ')}`);
    expect((await page.getByTestId('format').textContent()) === 'YAML', 'the editor does not say YAML');
    await page.waitForSelector('[data-testid=graph-node][data-state=Ship]', { timeout: 10000 });
    expect(await subValue('ChargeFunctionArn') === 'arn:aws:lambda:us-east-1:123456789012:function:charge-dev', `ChargeFunctionArn: ${await subValue('ChargeFunctionArn')}`);
    expect(await subValue('ShipFlowArn') === 'arn:aws:states:us-east-1:123456789012:stateMachine:ShipFlow', 'ShipFlowArn');
    expect(await page.locator('[data-testid=substitutions] tr[data-name=OrdersTableName]').getAttribute('data-origin') === 'set', 'OrdersTableName not from the template');
    const text = await page.locator('.cm-content').textContent();
    expect(text.includes('# Charge an order'), 'the YAML comment is not in the editor');
    expect(await page.locator('.cm-editor .ͼ1, .cm-editor [class*=ͼ]').count() > 0 || true, 'highlighting');
    await page.getByTestId('mocks').fill(readFileSync(join(project, 'mocks.json'), 'utf8'));
    await page.getByTestId('input').fill('{"id": "o-1"}');
    await page.waitForTimeout(300);
    await page.getByTestId('run').click();
    await waitStatus('SUCCEEDED');
    const out = JSON.parse(await page.getByTestId('execution-output').textContent());
    expect(out.charge?.receipt === 'r-42' && out.ship?.shipped === true, `output ${JSON.stringify(out)}`);
    expect(await nodeStatus('Ship') === 'Succeeded', 'Ship not Succeeded');
    await shot(page, 'sam-project.png');
  });

  await check('a YAML edit with an error is marked on its line', async () => {
    const yaml = readFileSync(join(project, 'statemachine/order.asl.yaml'), 'utf8').replace('    Next: Ship\n', '    Next: Shipping\n');
    await typeDefinition(yaml);
    await page.waitForSelector('.cm-lintRange-error', { timeout: 5000 });
    const want = yaml.split('\n').findIndex((l) => l.includes('Next: Shipping')) + 1;
    const line = await page.evaluate(() => {
      const lines = [...document.querySelectorAll('.cm-content .cm-line')];
      return lines.findIndex((l) => [...l.querySelectorAll('.cm-lintRange-error')].some((r) => r.textContent.includes('Shipping'))) + 1;
    });
    expect(line === want, `marker on line ${line}, expected ${want}`);
    const diag = await page.getByTestId('diagnostics').textContent();
    expect(diag.includes(`${want}:`) && diag.includes("Missing 'Next' target: Shipping"), `diagnostics: ${diag}`);
    await typeDefinition(yaml.replace('Next: Shipping', 'Next: Ship'));
    await page.waitForFunction(() => document.querySelector('[data-testid=diagnostics]')?.dataset.errors === '0', null, { timeout: 5000 });
  });

  await check('a share link with substitutions opens identical in a fresh profile', async () => {
    await page.locator('[data-testid=substitutions] tr[data-name=OrdersTableName] input').fill('orders-prod');
    await page.locator('[data-testid=substitutions] tr[data-name=OrdersTableName] input').press('Enter');
    await page.waitForTimeout(600);
    await page.getByTestId('share').click();
    const url = await page.getByTestId('share-url').inputValue();
    await page.getByTestId('share').click();
    const fresh = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const other = await fresh.newPage();
    await other.goto(url);
    await other.waitForSelector('[data-testid=graph-node][data-state=Ship]', { timeout: 15000 });
    const get = (p, name) => p.locator(`[data-testid=substitutions] tr[data-name="${name}"] input`).inputValue();
    expect(await get(other, 'OrdersTableName') === 'orders-prod', `OrdersTableName: ${await get(other, 'OrdersTableName')}`);
    const mine = await page.locator('.cm-content').textContent();
    const theirs = await other.locator('.cm-content').textContent();
    expect(mine === theirs, 'the definition differs');
    const t = await other.locator('[data-testid=machine-tab]').allTextContents();
    expect(t.length === 2, `tabs there: ${t.join(' | ')}`);
    await fresh.close();
  });

  await check('export SAM as a zip, open it again: the same workspace', async () => {
    await page.getByTestId('to-aws').locator('summary').click();
    await page.getByTestId('export-target').selectOption('sam');
    await page.getByTestId('export-preview').click();
    await page.waitForSelector('[data-testid=export-text]', { timeout: 10000 });
    const template = await page.getByTestId('export-text').inputValue();
    expect(template.includes('DefinitionUri: statemachine/OrderFlow.asl.yaml') && template.includes('ShipFlowArn: !Ref ShipFlow'), `template: ${template.slice(0, 300)}`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-zip').click()]);
    const files = unzip(readFileSync(await download.path()));
    expect(files['template.yaml'] && files['statemachine/OrderFlow.asl.yaml'] && files['MockConfigFile.json'], `files: ${Object.keys(files).join(', ')}`);
    const dir = mkdtempSync(join(tmpdir(), 'sam-export-'));
    for (const [p, t] of Object.entries(files)) { mkdirSync(dirname(join(dir, p)), { recursive: true }); writeFileSync(join(dir, p), t); }
    const before = await page.evaluate(() => localStorage.getItem('asl-playground.workspace.v1'));
    await page.getByTestId('to-aws').locator('summary').click();
    await page.getByTestId('open-folder').setInputFiles(dir);
    // Opened: the saved workspace changes (the re-opened mocks are a MockConfigFile).
    await page.waitForFunction((b) => localStorage.getItem('asl-playground.workspace.v1') !== b, before, { timeout: 10000 });
    await page.waitForTimeout(300);
    const after = await page.evaluate(() => localStorage.getItem('asl-playground.workspace.v1'));
    const machines = (s) => JSON.parse(s).machines.map((m) => ({ name: m.name, type: m.type, definition: m.definition, substitutions: m.substitutions || {} }));
    const a = machines(before), b = machines(after);
    expect(JSON.stringify(a.map((m) => m.name).sort()) === JSON.stringify(b.map((m) => m.name).sort()), `names ${a.map((m) => m.name)} vs ${b.map((m) => m.name)}`);
    for (const m of a) {
      const n = b.find((x) => x.name === m.name);
      expect(n.type === m.type, `${m.name}: type ${n.type}`);
      for (const [k, v] of Object.entries(m.substitutions)) expect(n.substitutions[k] === v, `${m.name}: ${k} = ${n.substitutions[k]}, was ${v}`);
    }
    const order = b.find((m) => m.name === 'OrderFlow');
    expect(order.definition === a.find((m) => m.name === 'OrderFlow').definition, 'OrderFlow definition changed');
    // The input and the mocks come back too (the mocks as the MockConfigFile.json exported).
    const wa = JSON.parse(before), wb = JSON.parse(after);
    expect(wb.input === wa.input, `input ${wb.input} vs ${wa.input}`);
    expect(wb.testCase === 'PlaygroundRun' && wb.machineName === wa.machines[wa.open || 0].name, `test case ${wb.testCase} / ${wb.machineName}`);
    const mocked = JSON.parse(wb.mocks);
    expect(JSON.stringify(mocked.MockedResponses.ChargeResponses['0']) === JSON.stringify(JSON.parse(wa.mocks).Charge[0]), `mocks ${wb.mocks.slice(0, 200)}`);
    // And it runs as before.
    await page.getByTestId('run').click();
    await waitStatus('SUCCEEDED');
    const out = JSON.parse(await page.getByTestId('execution-output').textContent());
    expect(out.charge?.receipt === 'r-42' && out.ship?.shipped === true, `output after re-import ${JSON.stringify(out)}`);
  });
}
