// tests/web/browser.js: drives real headless Chromium through the verifier page, for the
// browser tests (tests/e2e/web_page_test.cc writes the scenario and runs this).
//
//   node tests/web/browser.js SCENARIO.json
//
// The scenario: {"chromium": "/usr/bin/chromium", "screenshots": DIR, "steps": [step...]},
// each step {"name", "url", "width"?, "files"?: [[selector, path], ...],
// "fill"?: [[selector, text], ...], "click"?: selector, "expect_code", "expect_text"?: [...],
// "expect_lang"?}. A step opens the url, waits for the page to be ready, sets the file
// inputs in order (as a user choosing files), types into fields and clicks, waits
// for a verdict, checks its code (body[data-verdict]) and that the verdict's words contain
// every expect_text, and saves a screenshot DIR/<name>.png. Exit 0 when every step passes;
// else the first failure is printed and the exit code is 1.
//
// Chromium is spoken to with the DevTools protocol over a pipe (--remote-debugging-pipe:
// JSON messages ending in a NUL byte on file descriptors 3 and 4), which needs no library.
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

class Browser {
  constructor(executable) {
    this.profile = fs.mkdtempSync(path.join(os.tmpdir(), 'tamga-chromium-'));
    this.proc = spawn(executable, [
      '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--no-default-browser-check',
      '--disable-extensions', '--disable-background-networking', '--remote-debugging-pipe',
      `--user-data-dir=${this.profile}`, 'about:blank',
    ], { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
    this.stderr = '';
    this.proc.stderr.on('data', (d) => { this.stderr = (this.stderr + d).slice(-4000); });
    this.next = 1;
    this.pending = new Map();
    this.listeners = [];
    let buffered = Buffer.alloc(0);
    this.proc.stdio[4].on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (let end = buffered.indexOf(0); end >= 0; end = buffered.indexOf(0)) {
        const message = JSON.parse(buffered.subarray(0, end).toString('utf8'));
        buffered = buffered.subarray(end + 1);
        this.dispatch(message);
      }
    });
    this.exited = new Promise((resolve) => this.proc.on('exit', resolve));
  }

  dispatch(m) {
    if (m.id && this.pending.has(m.id)) {
      const { resolve, reject, method } = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.error) reject(new Error(`${method}: ${m.error.message}`));
      else resolve(m.result);
      return;
    }
    for (const l of this.listeners) l(m);
  }

  send(method, params = {}, sessionId) {
    const id = this.next++;
    const message = { id, method, params };
    if (sessionId) message.sessionId = sessionId;
    this.proc.stdio[3].write(JSON.stringify(message) + '\0');
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject, method }));
  }

  async close() {
    try { await Promise.race([this.send('Browser.close'), sleep(2000)]); } catch (e) { /* gone */ }
    if (this.proc.exitCode === null) this.proc.kill('SIGKILL');
    await this.exited;
    // Chromium's helper processes may still be writing there for a moment: best effort.
    await sleep(200);
    try { fs.rmSync(this.profile, { recursive: true, force: true, maxRetries: 5 }); } catch (e) { /* left in /tmp */ }
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

class Page {
  constructor(browser, sessionId) {
    this.b = browser;
    this.s = sessionId;
  }
  static async open(browser) {
    const { targetId } = await browser.send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await browser.send('Target.attachToTarget', { targetId, flatten: true });
    const page = new Page(browser, sessionId);
    await page.send('Page.enable');
    await page.send('Runtime.enable');
    page.console = [];
    browser.listeners.push((m) => {
      if (m.sessionId !== sessionId) return;
      if (m.method === 'Runtime.exceptionThrown') page.console.push('exception: ' + m.params.exceptionDetails.text + ' ' + JSON.stringify(m.params.exceptionDetails.exception || {}));
      if (m.method === 'Runtime.consoleAPICalled') page.console.push('console: ' + m.params.args.map((a) => a.value).join(' '));
      if (m.method === 'Log.entryAdded') page.console.push('log: ' + m.params.entry.text);
    });
    await page.send('Log.enable');
    return page;
  }
  send(method, params) { return this.b.send(method, params, this.s); }
  async eval(expression) {
    const r = await this.send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true });
    if (r.exceptionDetails) throw new Error(`page: ${r.exceptionDetails.text} in ${expression}`);
    return r.result.value;
  }
  async waitFor(expression, what, timeoutMs = 30000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await this.eval(expression).catch(() => null);
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(100);
    }
  }
  async setFile(selector, file) {
    const { root } = await this.send('DOM.getDocument', { depth: 0 });
    const { nodeId } = await this.send('DOM.querySelector', { nodeId: root.nodeId, selector });
    if (!nodeId) throw new Error(`no element ${selector}`);
    await this.send('DOM.setFileInputFiles', { nodeId, files: [path.resolve(file)] });
  }
}

async function runStep(page, step, screenshots) {
  await page.send('Emulation.setDeviceMetricsOverride', {
    width: step.width || 1000, height: step.height || 900, deviceScaleFactor: 1, mobile: (step.width || 1000) < 500,
  });
  await page.send('Page.navigate', { url: step.url });
  await page.waitFor("document.readyState === 'complete' && document.body && document.body.dataset.ready === 'true'", 'the page to be ready');
  for (const [selector, file] of step.files || []) {
    if (selector === '#genesis-file') {
      await page.setFile(selector, file);
      await page.waitFor('document.body.dataset.pinned', 'the genesis to be pinned');
    } else {
      await page.setFile(selector, file);
    }
  }
  for (const [selector, value] of step.fill || []) {
    await page.eval(`document.querySelector(${JSON.stringify(selector)}).value = ${JSON.stringify(value)}`);
  }
  if (step.click) await page.eval(`document.querySelector(${JSON.stringify(step.click)}).click()`);
  const code = await page.waitFor('document.body.dataset.verdict', 'a verdict');
  const words = await page.eval("document.getElementById('verdict').innerText");
  const lang = await page.eval('document.documentElement.lang');
  await page.waitFor("document.fonts.status === 'loaded'", 'fonts');
  const shot = await page.send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true });
  fs.writeFileSync(path.join(screenshots, `${step.name}.png`), Buffer.from(shot.data, 'base64'));
  const problems = [];
  if (code !== step.expect_code) problems.push(`verdict code ${code}, expected ${step.expect_code}`);
  for (const t of step.expect_text || []) if (!words.includes(t)) problems.push(`the verdict lacks "${t}"`);
  if (step.expect_lang && lang !== step.expect_lang) problems.push(`page language ${lang}, expected ${step.expect_lang}`);
  // The page must run cleanly: no exception, no request or script the policy refused.
  for (const line of page.console) {
    if (/^exception:|Content Security Policy|Refused to/.test(line)) problems.push(`the page's console: ${line}`);
  }
  if (problems.length) throw new Error(`${problems.join('; ')}\n--- verdict as shown:\n${words}`);
  return words;
}

async function main() {
  const scenario = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  fs.mkdirSync(scenario.screenshots, { recursive: true });
  const browser = new Browser(scenario.chromium || '/usr/bin/chromium');
  const watchdog = setTimeout(() => {
    console.error('browser.js: the scenario took over 120 s\n' + browser.stderr);
    browser.proc.kill('SIGKILL');
    process.exit(1);
  }, 120000);
  let failed = false;
  try {
    for (const step of scenario.steps) {
      // A fresh tab per step: no state carries over.
      const page = await Page.open(browser);
      try {
        const words = await runStep(page, step, scenario.screenshots);
        console.log(`ok   ${step.name}: ${words.split('\n')[0]}`);
      } catch (e) {
        console.log(`FAIL ${step.name}: ${e.message}\n--- the page's console:\n${page.console.join('\n')}`);
        failed = true;
        break;
      } finally {
        await browser.send('Target.closeTarget', { targetId: (await browser.send('Target.getTargetInfo', {}, page.s)).targetInfo.targetId }).catch(() => {});
      }
    }
  } finally {
    clearTimeout(watchdog);
    await browser.close();
  }
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error('browser.js: ' + e.stack);
  process.exit(1);
});
