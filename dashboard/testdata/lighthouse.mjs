// Runs Lighthouse (pinned in package.json) on mobile over each URL given,
// in one Chromium, and prints one JSON line per URL: its category scores
// and the audits that fall short. Used by dashboard/browser_test.go:
//   node lighthouse.mjs CHROMIUM URL...
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';

const [chromePath, ...urls] = process.argv.slice(2);
const chrome = await chromeLauncher.launch({
  chromePath,
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--metrics-recording-only', '--no-default-browser-check'],
});
try {
  for (const url of urls) {
    const result = await lighthouse(url, {
      port: chrome.port, output: 'json', logLevel: 'error',
      onlyCategories: ['performance', 'accessibility', 'best-practices', 'seo'],
      // What only makes the report prettier, and the back/forward-cache
      // round trip, which navigates away and back.
      skipAudits: ['full-page-screenshot', 'screenshot-thumbnails', 'final-screenshot', 'bf-cache'],
    });
    const lhr = result.lhr;
    const scores = {};
    for (const [id, c] of Object.entries(lhr.categories)) {
      scores[id] = c.score;
    }
    const failing = [];
    for (const [id, a] of Object.entries(lhr.audits)) {
      if (typeof a.score === 'number' && a.score < 1 && ['binary', 'numeric', 'metricSavings'].includes(a.scoreDisplayMode)) {
        failing.push(id + ' ' + a.score + (a.displayValue ? ' (' + a.displayValue + ')' : ''));
      }
    }
    const metrics = {};
    for (const id of ['first-contentful-paint', 'largest-contentful-paint', 'total-blocking-time', 'cumulative-layout-shift', 'speed-index']) {
      metrics[id] = lhr.audits[id] ? lhr.audits[id].displayValue : '';
    }
    console.log(JSON.stringify({
      url, status: lhr.runtimeError ? lhr.runtimeError.message : '', scores, metrics, failing,
      // Lighthouse's measure of this machine's CPU: below 1000 it warns
      // that its mobile emulation, which slows the CPU four times,
      // overstates the time scripts take.
      benchmarkIndex: lhr.environment.benchmarkIndex,
    }));
  }
} finally {
  await chrome.kill();
}
