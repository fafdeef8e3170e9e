#!/usr/bin/env node
// node tests/tools/dashboard-screenshot.js URL JOB-ID FILE.png
//
// Takes a PNG of one job's page on a running conductor's dashboard, once the page shows the job ended and its whole
// log. The browser is Debian's Chromium (CHROMIUM, default /usr/bin/chromium; `apt-get install chromium`) driven by
// playwright-core, with the flags and window of tests/AgentConductor.Dashboard.Tests/Browser.cs: playwright-core
// downloads no browser. `scripts/run-local.sh --screenshot docs/dashboard.png` runs it after a real run; that is how
// docs/dashboard.png is retaken. Exits 0 with the file written, 1 when the page did not get there (its errors are
// printed), 2 for bad arguments.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');

const [url, jobId, file] = process.argv.slice(2);
if (!url || !jobId || !file || !/^https?:\/\//.test(url) || !file.endsWith('.png')) {
  console.error('usage: node tests/tools/dashboard-screenshot.js http://127.0.0.1:5080 JOB-ID FILE.png');
  process.exit(2);
}

const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
if (!fs.existsSync(executablePath)) {
  console.error(`dashboard-screenshot: ${executablePath} is missing: install Debian's chromium (apt-get install chromium) or set CHROMIUM`);
  process.exit(1);
}

const ENDED = /^\s*(succeeded|no_changes|failed|timed_out|cancelled|lost|budget_exceeded)\b/;
const TIMEOUT_MS = 30_000;

(async () => {
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const errors = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1240 } });
    page.setDefaultTimeout(TIMEOUT_MS);
    page.on('pageerror', error => errors.push(String(error)));
    page.on('console', message => { if (message.type() === 'error') errors.push(message.text()); });

    await page.goto(`${url.replace(/\/$/, '')}/#/jobs/${encodeURIComponent(jobId)}`);
    // The facts say the job ended, and the log stream said so too: every line of the log is on the page.
    await page.getByTestId('job-state').filter({ hasText: ENDED }).waitFor();
    await page.getByTestId('log-state').filter({ hasText: /^\s*ended/ }).waitFor();
    await page.getByTestId('audit').waitFor();
    if (errors.length > 0) {
      throw new Error(`the page reported errors:\n${errors.join('\n')}`);
    }

    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    // Down to the end of the log box (the ticket's facts below it are left out), with the log scrolled to its start.
    const log = page.getByTestId('log');
    await log.evaluate(box => { box.scrollTop = 0; });
    const { y, height } = await log.boundingBox();
    await page.screenshot({ path: file, fullPage: true, clip: { x: 0, y: 0, width: 1280, height: Math.ceil(y + height + 24) } });
    console.log(`dashboard-screenshot: ${file} (job ${jobId}: ${(await page.getByTestId('job-state').innerText()).trim()})`);
  } finally {
    await browser.close();
  }
})().catch(error => {
  console.error(`dashboard-screenshot: ${error.message}`);
  process.exit(1);
});
