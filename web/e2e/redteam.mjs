// The red-team report's page rows (../shared/reference/redteam-2026-12.md), end to end: each
// opens in a fresh profile, shows a clear outcome, leaves the page answering a click within
// 200 ms and the user's work intact. The longest task each one blocks the page for is
// printed (asserted only with --budgets: CI machines are shared and noisy).
// Called by smoke.mjs with its helpers.
import { readFileSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';

/** A share link's fragment for a workspace value (what the page's share::encode writes). */
export function linkFor(ws) {
  return 'v1.' + deflateRawSync(Buffer.from(JSON.stringify(ws)), { level: 9 }).toString('base64url');
}

export async function redteamChecks({ check, expect, browser, base, results, budgets }) {
  const fresh = async (fragment = '') => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const p = await context.newPage();
    const errors = [];
    p.on('pageerror', (e) => errors.push(e.message));
    await p.addInitScript(() => {
      window.__longTasks = [];
      new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longTasks.push(e.duration); }).observe({ type: 'longtask', buffered: true });
    });
    await p.goto(base + (fragment ? '#' + fragment : ''));
    return { context, p, errors };
  };
  const longest = (p) => p.evaluate(() => Math.round(Math.max(0, ...window.__longTasks)));
  // A click answers: the theme toggles within 200 ms, and back.
  const answersClick = async (p) => {
    const button = p.getByRole('button', { name: 'Toggle dark theme' });
    const before = await button.textContent();
    const t0 = Date.now();
    await button.click();
    await p.waitForFunction((b) => document.querySelector('[aria-label="Toggle dark theme"]').textContent !== b, before, { timeout: 5000 });
    const ms = Date.now() - t0;
    await button.click();
    return ms;
  };
  // CodeMirror's lines are elements: its text has no line breaks.
  const editor = (p) => p.evaluate(() => document.querySelector('.cm-content').textContent);
  const same = (shown, text) => shown.replace(/\s/g, '') === text.replace(/\s/g, '');
  const typeInto = async (p, text) => {
    await p.locator('.cm-content').click();
    await p.keyboard.press('Control+A');
    await p.keyboard.press('Delete');
    await p.keyboard.insertText(text);
  };
  const runTo = async (p, status, timeout = 20000) => {
    await p.getByTestId('run').click();
    await p.waitForFunction((s) => document.querySelector('[data-testid=execution-status]')?.textContent === s, status, { timeout });
  };
  const outcome = (p) => p.locator('body').textContent();
  const row = async (id, p, errors, extra = {}) => {
    const click = await answersClick(p);
    const blocked = await longest(p);
    results[`redteam-${id}`] = { clickMs: click, longestTaskMs: blocked, ...extra };
    expect(click <= 200, `a click took ${click} ms`);
    if (budgets) expect(blocked <= 2000, `the page was blocked for ${blocked} ms`);
    expect(errors.length === 0, errors.join('; '));
  };
  const definition = (states, extra = {}) => JSON.stringify({ ...extra, StartAt: Object.keys(states)[0], States: states }, null, 2);

  await check('red team C1: the 1,590-character link of one 1 MB key over 10,000 values opens in the page', async () => {
    const text = `{"Comment":"x","StartAt":"A","States":{"A":{"Type":"Pass","Result":{"${'k'.repeat(1_000_000)}":[${Array(10000).fill(0).join(',')}]},"End":true}}}`;
    const fragment = linkFor({ machines: [{ name: 'Main', definition: text, type: 'STANDARD' }] });
    const { context, p, errors } = await fresh(fragment);
    await p.waitForSelector('[data-testid=graph-node][data-state=A]', { timeout: 20000 });
    expect(fragment.length < 2000, `the link is ${fragment.length} characters`);
    await p.waitForFunction(() => document.body.textContent.includes('Valid state machine'), null, { timeout: 20000 });
    await row('C1', p, errors, { linkChars: fragment.length });
    await context.close();
  });

  await check('red team C2: an exercise whose instructions nest 1,000 blockquotes renders', async () => {
    const exercise = JSON.stringify({ id: 'bomb', title: 'Bomb', instructions: '> '.repeat(1000) + 'deep text', start: { definition: definition({ A: { Type: 'Succeed' } }) }, checks: [] });
    const fragment = linkFor({ machines: [{ name: 'Main', definition: definition({ A: { Type: 'Succeed' } }), type: 'STANDARD' }], exercise });
    const { context, p, errors } = await fresh(fragment);
    await p.waitForSelector('[data-testid=graph-node]', { timeout: 15000 });
    await p.waitForFunction(() => document.body.textContent.includes('deep text'), null, { timeout: 15000 });
    await row('C2', p, errors, { linkChars: fragment.length });
    await context.close();
  });

  const jsonataRow = (id, what, expr, expectText) => check(`red team ${id}: ${what}: a clear error, the page answers, the work is intact`, async () => {
    const { context, p, errors } = await fresh();
    await p.waitForSelector('[data-testid=graph-node]', { timeout: 15000 });
    const text = definition({ A: { Type: 'Pass', Output: `{% ${expr} %}`, End: true } }, { QueryLanguage: 'JSONata' });
    await typeInto(p, text);
    await p.waitForFunction(() => document.body.textContent.includes('Valid state machine'), null, { timeout: 20000 });
    await p.evaluate(() => { window.__longTasks = []; });
    // While the worker evaluates, the page answers.
    await p.getByTestId('run').click();
    const evaluating = await p.getByTestId('run-ahead').waitFor({ timeout: 2000 }).then(() => true, () => false);
    const duringMs = await answersClick(p);
    expect(evaluating, 'the evaluation did not go to the worker');
    expect(duringMs <= 200, `a click during the evaluation took ${duringMs} ms`);
    await p.waitForFunction(() => document.querySelector('[data-testid=execution-status]')?.textContent === 'FAILED', null, { timeout: 30000 });
    const shown = await p.getByTestId('execution-output').textContent();
    expect(shown.includes(expectText), `no "${expectText}" shown: ${shown.slice(0, 200)}`);
    await row(id, p, errors, { clickDuringMs: duringMs });
    expect(same(await editor(p), text), 'the definition changed');
    await context.close();
  });
  await jsonataRow('H1', 'a JSONata function that calls itself forever', '($f := function($n){ $f($n+1) }; $f(0))', 'D1012');
  await jsonataRow('H1b', 'a JSONata recursion of 2^40 calls', '($f := function($n){ $n <= 0 ? 1 : $f($n-1) + $f($n-1) }; $f(40))', 'D1012');
  await jsonataRow('H3', 'a JSONata result 30,000 levels deep', "$reduce([1..30000], function($acc,$v){ {'a': $acc} }, {})", 'nested deeper than 512');

  await check('red team H1c: Cancel stops an endless evaluation loop at once, and the next run works', async () => {
    const { context, p, errors } = await fresh();
    await p.waitForSelector('[data-testid=graph-node]', { timeout: 15000 });
    // Each attempt evaluates to the step budget (about a second), fails and is caught into
    // itself: the worker would go on for hours.
    const text = definition({ L: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Arguments: { FunctionName: 'f', Payload: '{% ($f := function($n){ $f($n+1) }; $f(0)) %}' }, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'L' }], End: true } }, { QueryLanguage: 'JSONata' });
    await typeInto(p, text);
    await p.waitForFunction(() => document.body.textContent.includes('Valid state machine'), null, { timeout: 20000 });
    await p.getByTestId('run').click();
    await p.getByTestId('run-ahead').waitFor({ timeout: 5000 });
    await p.waitForTimeout(1500);
    const duringMs = await answersClick(p);
    expect(duringMs <= 200, `a click during the evaluation took ${duringMs} ms`);
    const t0 = Date.now();
    await p.getByRole('button', { name: 'Cancel' }).click();
    await p.waitForFunction(() => document.querySelector('[data-testid=execution-status]')?.textContent === 'ABORTED', null, { timeout: 5000 });
    const cancelMs = Date.now() - t0;
    expect(cancelMs <= 1000, `Cancel took ${cancelMs} ms`);
    await typeInto(p, definition({ A: { Type: 'Pass', Output: '{% $sum([1,2,3]) %}', End: true } }, { QueryLanguage: 'JSONata' }));
    await p.waitForTimeout(400);
    await runTo(p, 'SUCCEEDED');
    await row('H1c', p, errors, { clickDuringMs: duringMs, cancelMs });
    await context.close();
  });

  await check('a JSONata run through the worker steps, continues, waits for a task token and takes its answer', async () => {
    const { context, p, errors } = await fresh();
    await p.waitForSelector('[data-testid=graph-node]', { timeout: 15000 });
    const status = () => p.getByTestId('execution-status').textContent();
    const waitStatus = (s) => p.waitForFunction((x) => document.querySelector('[data-testid=execution-status]')?.textContent === x, s, { timeout: 15000 });
    await typeInto(p, definition({
      A: { Type: 'Pass', Output: '{% $sum([1,2,3]) %}', Next: 'W' },
      W: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken', Arguments: { FunctionName: 'f', Payload: { token: '{% $states.context.Task.Token %}', n: '{% $states.input %}' } }, Next: 'D' },
      D: { Type: 'Pass', Output: '{% $states.input.approved ? "yes" : "no" %}', End: true },
    }, { QueryLanguage: 'JSONata' }));
    await p.waitForFunction(() => document.body.textContent.includes('Valid state machine'), null, { timeout: 20000 });
    const events = () => p.evaluate(() => document.querySelectorAll('[data-testid=history-row]').length);
    const seen = [];
    for (let i = 0; i < 3; i++) {
      await p.getByTestId('step').click();
      await p.waitForFunction((n) => document.querySelectorAll('[data-testid=history-row]').length > n, seen.length ? seen[seen.length - 1] : 0, { timeout: 10000 });
      seen.push(await events());
    }
    expect(seen.join() === '1,2,3', `events after each step: ${seen.join()}`);
    expect((await status()) === 'RUNNING', `stepping shows ${await status()}`);
    await p.getByTestId('continue').click();
    await waitStatus('WAITING');
    await p.getByTestId('send-success').click();
    await waitStatus('SUCCEEDED');
    const output = await p.getByTestId('execution-output').textContent();
    expect(output.trim() === '"yes"', `output ${output}`);
    // The inspector shows what the worker evaluated: A's output is 6.
    await p.locator('[data-testid=graph-node][data-state=A]').click();
    const inspector = await p.getByTestId('inspector').textContent();
    expect(inspector.includes('Output') && inspector.includes('6'), `inspector: ${inspector.slice(0, 200)}`);
    expect(errors.length === 0, errors.join('; '));
    await context.close();
  });

  await check('red team H2b: an evaluation that runs out of memory is reported, and the next run works', async () => {
    const { context, p, errors } = await fresh();
    await p.waitForSelector('[data-testid=graph-node]', { timeout: 15000 });
    const text = definition({ A: { Type: 'Pass', Output: "{% $pad('', 2000000000) %}", End: true } }, { QueryLanguage: 'JSONata' });
    await typeInto(p, text);
    await p.waitForFunction(() => document.body.textContent.includes('Valid state machine'), null, { timeout: 20000 });
    const t0 = Date.now();
    await p.getByTestId('run').click();
    const duringMs = await answersClick(p);
    await p.waitForFunction(() => document.querySelector('.run-panel [role=alert]')?.textContent.includes('The engine stopped'), null, { timeout: 30000 });
    const reportedMs = Date.now() - t0;
    const shown = await p.locator('.run-panel [role=alert]').textContent();
    expect(shown.includes("$pad('', 2000000000)") && shown.includes('your work is unchanged'), `the report: ${shown}`);
    expect(same(await editor(p), text), 'the definition changed');
    await typeInto(p, definition({ A: { Type: 'Pass', Output: '{% $sum([1,2,3]) %}', End: true } }, { QueryLanguage: 'JSONata' }));
    await p.waitForTimeout(400);
    await runTo(p, 'SUCCEEDED');
    await row('H2b', p, errors, { clickDuringMs: duringMs, reportedMs });
    await context.close();
  });

  await check('red team H4: after a failing JSONata run, JSONata still works in the page', async () => {
    const { context, p, errors } = await fresh();
    await p.waitForSelector('[data-testid=graph-node]', { timeout: 15000 });
    await typeInto(p, definition({ A: { Type: 'Pass', Output: "{% $reduce([1..30000], function($acc,$v){ {'a': $acc} }, {}) %}", End: true } }, { QueryLanguage: 'JSONata' }));
    await p.waitForFunction(() => document.body.textContent.includes('Valid state machine'), null, { timeout: 20000 });
    await runTo(p, 'FAILED');
    await typeInto(p, definition({ A: { Type: 'Pass', Output: '{% $sum([1,2,3]) %}', End: true } }, { QueryLanguage: 'JSONata' }));
    await p.waitForTimeout(400);
    await runTo(p, 'SUCCEEDED');
    expect((await p.getByTestId('execution-output').textContent()).trim() === '6', 'the JSONata module is broken');
    await typeInto(p, definition({ A: { Type: 'Pass', Output: '{% 1 + + ) %}', End: true } }, { QueryLanguage: 'JSONata' }));
    await p.waitForFunction(() => document.body.textContent.includes('JSONata syntax error'), null, { timeout: 10000 });
    await row('H4', p, errors);
    await context.close();
  });

  await check('red team H6: StringMatches with a dozen * against 200 characters answers at once', async () => {
    const { context, p, errors } = await fresh();
    await p.waitForSelector('[data-testid=graph-node]', { timeout: 15000 });
    await typeInto(p, definition({ C: { Type: 'Choice', Choices: [{ Variable: '$.s', StringMatches: '*a*a*a*a*a*a*a*a*a*a*a*a*b', Next: 'Matched' }], Default: 'No match' }, Matched: { Type: 'Succeed' }, 'No match': { Type: 'Succeed' } }));
    await p.locator('[data-testid=input]').fill(JSON.stringify({ s: 'a'.repeat(200) }));
    await p.waitForTimeout(400);
    await p.evaluate(() => { window.__longTasks = []; });
    await runTo(p, 'SUCCEEDED');
    expect(await p.locator('[data-testid=graph-node][data-state="No match"]').getAttribute('data-status') === 'Succeeded', 'the default branch did not run');
    await row('H6', p, errors);
    await context.close();
  });

  await check('red team H7: a 50 KB JSONata expression with a syntax error at its end is located at once', async () => {
    const { context, p, errors } = await fresh();
    await p.waitForSelector('[data-testid=graph-node]', { timeout: 15000 });
    await p.evaluate(() => { window.__longTasks = []; });
    await typeInto(p, definition({ A: { Type: 'Pass', Output: `{% [${Array(25000).fill(1).join(',')}] ) %}`, End: true } }, { QueryLanguage: 'JSONata' }));
    await p.waitForFunction(() => document.body.textContent.includes('JSONata syntax error'), null, { timeout: 20000 });
    await row('H7', p, errors);
    await context.close();
  });

  await check('red team H8: machines that start each other fail 20 levels down with a clear error', async () => {
    const dir = 'tests/data/exec/machines-start-each-other.';
    const others = JSON.parse(readFileSync(dir + 'machines.json', 'utf8'));
    const machines = [{ name: 'Main', definition: readFileSync(dir + 'asl.json', 'utf8'), type: 'STANDARD' },
      ...Object.entries(others).map(([name, m]) => ({ name, definition: JSON.stringify(m.definition, null, 2), type: m.type }))];
    const { context, p, errors } = await fresh(linkFor({ machines, input: readFileSync(dir + 'input.json', 'utf8') }));
    await p.waitForSelector('[data-testid=graph-node]', { timeout: 15000 });
    await p.evaluate(() => { window.__longTasks = []; });
    await runTo(p, 'FAILED');
    expect((await outcome(p)).includes('States.TaskFailed'), 'no TaskFailed shown');
    await row('H8', p, errors);
    await context.close();
  });

  await check('red team H5: data that grows 100 levels per pass stops with Playground.DataNestedTooDeep; Reset works', async () => {
    const text = readFileSync('tests/data/exec/data-grows-too-deep.asl.json', 'utf8');
    const { context, p, errors } = await fresh();
    await p.waitForSelector('[data-testid=graph-node]', { timeout: 15000 });
    await typeInto(p, text);
    await p.locator('[data-testid=input]').fill('{"start": true}');
    await p.waitForTimeout(400);
    await p.evaluate(() => { window.__longTasks = []; });
    await runTo(p, 'FAILED');
    expect((await outcome(p)).includes('Playground.DataNestedTooDeep'), 'no clear error shown');
    await p.getByTestId('reset').click();
    await row('H5', p, errors);
    // (The editor draws only the lines in view: the saved workspace holds the whole text.)
    const saved = await p.evaluate(() => JSON.parse(localStorage.getItem('asl-playground.workspace.v1')));
    expect(saved.machines[saved.open || 0].definition === text, 'the definition changed');
    await context.close();
  });
}
