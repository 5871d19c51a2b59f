// End-to-end checks that the work is kept (red-team H9, H10, M8, M9, M10, L10): a reload right
// after typing broken JSON, a workspace too large to keep, a full quota, two tabs, two links
// then "Restore my work", Back and Forward between links, a large workspace's own address.
// Called by smoke.mjs with its helpers; each check has its own browser context (its own storage).

export async function storageChecks({ check, expect, browser, base, shot }) {
  const fresh = async (viewport = { width: 1440, height: 900 }) => {
    const context = await browser.newContext({ viewport, acceptDownloads: true });
    const errors = [];
    const open = async (url = base) => {
      const p = await context.newPage();
      p.on('pageerror', (e) => errors.push(e.message));
      await p.goto(url);
      await p.waitForSelector('[data-testid=graph-node]', { timeout: 15000 });
      return p;
    };
    return { context, open, errors };
  };
  const editor = (p) => p.evaluate(() => document.querySelector('.cm-content').textContent);
  const typeInto = async (p, text) => {
    await p.locator('.cm-content').click();
    await p.keyboard.press('Control+A');
    await p.keyboard.press('Delete');
    await p.keyboard.insertText(text);
  };
  const setInput = (p, text) => p.locator('[data-testid=input]').fill(text);
  // A link made by another profile, so no tab here wrote it.
  const makeLinks = async (...examples) => {
    const { context, open } = await fresh();
    const p = await open();
    const links = [];
    for (const title of examples) {
      await p.getByTestId('examples').selectOption({ label: title });
      await p.waitForTimeout(300);
      await p.getByTestId('share').click();
      links.push(await p.getByTestId('share-url').inputValue());
      await p.getByTestId('share').click();
    }
    await context.close();
    return links;
  };
  const [l1, l2] = await makeLinks('Parallel fan-out', 'Retry with backoff');

  await check('storage: a reload right after typing broken JSON keeps it, and says nothing about a link', async () => {
    const { context, open, errors } = await fresh();
    const p = await open();
    await typeInto(p, '{ "StartAt": "Half", "States": { "Half": { "Type": "Pa');
    await p.waitForTimeout(700); // the address now holds this work
    await p.keyboard.insertText('ss", "End": tr');
    await p.reload(); // before the address follows the last keystrokes
    await p.waitForSelector('.cm-content', { timeout: 15000 });
    await p.waitForTimeout(300);
    const text = await editor(p);
    expect(text.includes('"Type": "Pass", "End": tr'), `the typing is gone: ${text.slice(0, 120)}`);
    expect(await p.getByTestId('share-message').count() === 0, 'the page took its own address for a link');
    expect(errors.length === 0, errors.join('; '));
    await context.close();
  });

  await check('storage: a 3 MB workspace warns at once and downloads; its address holds no link the page would refuse', async () => {
    const { context, open } = await fresh();
    const p = await open();
    await setInput(p, JSON.stringify({ big: 'x'.repeat(3_000_000) }));
    await p.getByTestId('save-problem').waitFor({ timeout: 5000 });
    const text = await p.getByTestId('save-problem').textContent();
    expect(text.includes('too large to keep in the browser') && text.includes('Download'), text);
    const [download] = await Promise.all([p.waitForEvent('download'), p.getByTestId('save-download').click()]);
    const file = await download.path();
    const { readFileSync } = await import('node:fs');
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    expect(saved.input.length > 3_000_000, 'the download lacks the input');
    await shot(p, 'save-too-large.png');
    await p.waitForTimeout(700);
    expect(!p.url().includes('#v1.'), 'a link over 1 MB unpacked was written');
    await context.close();
  });

  await check('storage: a 1.2 MB workspace is saved and its reload opens without "could not be opened"', async () => {
    const { context, open } = await fresh();
    const p = await open();
    const big = JSON.stringify({ mid: 'y'.repeat(1_200_000) });
    await setInput(p, big);
    await p.waitForTimeout(800);
    await p.reload();
    await p.waitForSelector('[data-testid=graph-node]', { timeout: 15000 });
    expect(await p.getByTestId('share-message').count() === 0, 'a notice about the own address');
    expect(await p.locator('[data-testid=input]').inputValue() === big, 'the input was not kept');
    await context.close();
  });

  await check('storage: a full quota warns, and the warning goes once saving works again', async () => {
    const { context, open } = await fresh();
    const p = await open();
    // Fill what is left of the origin's quota.
    await p.evaluate(() => {
      let chunk = 'z'.repeat(1 << 20), i = 0;
      while (chunk.length > 16) {
        try { localStorage.setItem(`junk${i++}`, chunk); } catch { chunk = chunk.slice(chunk.length / 2); }
      }
    });
    await setInput(p, JSON.stringify({ after: 'full', pad: 'q'.repeat(5000) }));
    await p.getByTestId('save-problem').waitFor({ timeout: 5000 });
    const text = await p.getByTestId('save-problem').textContent();
    expect(text.includes('storage is full'), text);
    await p.evaluate(() => { for (const k of Object.keys(localStorage)) if (k.startsWith('junk')) localStorage.removeItem(k); });
    await setInput(p, JSON.stringify({ after: 'room again' }));
    await p.waitForTimeout(300);
    expect(await p.getByTestId('save-problem').count() === 0, 'the warning stayed');
    const stored = await p.evaluate(() => localStorage.getItem('asl-playground.workspace.v1'));
    expect(stored.includes('room again'), 'not saved once there was room');
    await context.close();
  });

  await check('storage: two tabs on one workspace warn instead of overwriting each other', async () => {
    const { context, open } = await fresh();
    const a = await open();
    const b = await open();
    await setInput(a, '{"from": "tab A"}');
    await b.getByTestId('other-tab').waitFor({ timeout: 5000 });
    // B changes its input: it must not save over A's.
    await setInput(b, '{"from": "tab B"}');
    await b.waitForTimeout(300);
    let stored = await a.evaluate(() => localStorage.getItem('asl-playground.workspace.v1'));
    expect(stored.includes('tab A'), 'tab B overwrote tab A without a word');
    await shot(b, 'two-tabs.png');
    await b.getByTestId('keep-mine').click();
    await a.getByTestId('other-tab').waitFor({ timeout: 5000 });
    stored = await a.evaluate(() => localStorage.getItem('asl-playground.workspace.v1'));
    expect(stored.includes('tab B'), 'keeping B did not save it');
    await a.getByTestId('use-other-tab').click();
    expect(await a.locator('[data-testid=input]').inputValue() === '{"from": "tab B"}', 'A did not open B\'s version');
    await a.getByTestId('restore-local').click();
    expect(await a.locator('[data-testid=input]').inputValue() === '{"from": "tab A"}', 'A\'s own work was not kept aside');
    await context.close();
  });

  await check('storage: two links opened in new tabs, then "Restore my work" gives the own work back', async () => {
    const { context, open } = await fresh();
    const own = await open();
    await setInput(own, '{"own": "work"}');
    await own.waitForTimeout(300);
    await own.close();
    const t1 = await open(l1);
    await t1.getByTestId('share-message').waitFor({ timeout: 5000 });
    await t1.close();
    const t2 = await open(l2);
    await t2.getByTestId('share-message').waitFor({ timeout: 5000 });
    await t2.getByTestId('restore-local').click();
    expect(await t2.locator('[data-testid=input]').inputValue() === '{"own": "work"}', `restored ${await t2.locator('[data-testid=input]').inputValue()}`);
    await context.close();
  });

  await check('storage: a link pasted into the open tab opens; Back and Forward open the links they reach', async () => {
    const { context, open } = await fresh();
    const p = await open();
    await setInput(p, '{"own": "tab"}');
    await p.waitForTimeout(700);
    const graphHas = (name) => p.locator(`[data-testid=graph-node][data-state="${name}"]`).count();
    await p.goto(l1);
    await p.getByTestId('share-message').waitFor({ timeout: 5000 });
    const first = await editor(p);
    expect(first.includes('Parallel') || (await graphHas('Fan out')) > 0 || first !== '', 'the first link did not open');
    await p.goto(l2);
    await p.waitForTimeout(500);
    const second = await editor(p);
    expect(second !== first, 'the second link did not open');
    await p.goBack();
    await p.waitForTimeout(500);
    expect(await editor(p) === first, 'Back did not open the first link');
    await p.goForward();
    await p.waitForTimeout(500);
    expect(await editor(p) === second, 'Forward did not open the second link');
    await p.getByTestId('restore-local').click();
    expect(await p.locator('[data-testid=input]').inputValue() === '{"own": "tab"}', 'the own work was not kept aside');
    await context.close();
  });
}
