// Browser test of nksim's HTML reports (registered in CTest as report_browser, label browser).
//
//   node tools/report/browser_test.mjs --nksim BIN --fixtures BIN --source DIR --work DIR
//
// 1. Runs the real CLI with --report on scenarios/default.toml and
//    tests/report/scenarios/daily_doses.toml (well-mixed), scenarios/spheroid_infusion.toml
//    (2-D NK run), scenarios/killing_assay.toml (a sweep) and scenarios/spheroid_infusion_3d.toml
//    (3-D), writes a spatial and a trial fixture with write_report_fixtures, and runs
//    `nksim report` on each fixture.
// 2. Opens each report.html in headless Chromium (playwright-core): no console errors, no
//    network requests, every expected chart drawn with marks, a screenshot in --work; on every
//    chart, axis titles present, no "NaN" text and no overlapping labels.
// 3. Reads the data embedded in each chart back from the Vega views and compares it with the
//    run's own CSV/JSON files, value by value, and checks mark counts (doses, points, spheres).
// Missing Chromium or node_modules is a failure with a message saying what to install.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const failures = [];
const fail = (message) => { failures.push(message); console.error(`FAIL: ${message}`); };

function parseArgs() {
  const args = {};
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) args[argv[i].replace(/^--/, '')] = argv[i + 1];
  for (const key of ['nksim', 'fixtures', 'source', 'work']) {
    if (!args[key]) {
      console.error(`usage: node browser_test.mjs --nksim BIN --fixtures BIN --source DIR --work DIR (missing --${key})`);
      process.exit(2);
    }
  }
  return args;
}

function loadPlaywright() {
  const require = createRequire(path.join(here, 'package.json'));
  try {
    return require('playwright-core');
  } catch (error) {
    console.error(`FAIL: playwright-core is not installed in ${here}/node_modules ` +
                  `(${error.code ?? error.message}). Run scripts/setup.sh (it runs npm ci in tools/report).`);
    process.exit(1);
  }
}

function chromiumPath() {
  // NKSIM_CHROMIUM, when set, is the only candidate (so that its absence is an error too).
  const candidates = process.env.NKSIM_CHROMIUM ? [process.env.NKSIM_CHROMIUM]
                                                : ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) {
    console.error(`FAIL: Chromium not found (looked for ${candidates.join(', ')}). ` +
                  'run scripts/setup.sh (Debian package chromium) or set NKSIM_CHROMIUM.');
    process.exit(1);
  }
  return found;
}

function run(binary, args, cwd) {
  try {
    execFileSync(binary, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    console.error(`FAIL: ${binary} ${args.join(' ')} exited with ${error.status}\n${error.stderr}`);
    process.exit(1);
  }
}

// CSV of numbers -> array of {column: number}.
function readCsv(file) {
  const [header, ...lines] = fs.readFileSync(file, 'utf8').trim().split('\n');
  const columns = header.split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(columns.map((c, i) => [c, Number(cells[i])]));
  });
}

const readJson = (file) => JSON.parse(fs.readFileSync(file, 'utf8'));

// Compares rows field by field (only the expected fields; exact equality of numbers).
function compareRows(what, actual, expected) {
  if (!Array.isArray(actual)) return fail(`${what}: no data in the chart`);
  if (actual.length !== expected.length) {
    return fail(`${what}: ${actual.length} rows in the chart, ${expected.length} in the run's files`);
  }
  for (let i = 0; i < expected.length; ++i) {
    for (const [key, value] of Object.entries(expected[i])) {
      const got = actual[i][key];
      const same = (value === null || value === undefined) ? (got === null || got === undefined)
                                                           : got === value;
      if (!same) {
        return fail(`${what}: row ${i} ${key} is ${JSON.stringify(got)} in the chart, ` +
                    `${JSON.stringify(value)} in the run's files`);
      }
    }
  }
  console.log(`ok: ${what}: ${expected.length} rows equal the run's files`);
}

async function openReport(browser, file, charts, screenshot) {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const errors = [];
  page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('request', (request) => {
    if (!request.url().startsWith('file:') && !request.url().startsWith('data:')) {
      errors.push(`network request to ${request.url()} (the report must be self-contained)`);
    }
  });
  await page.goto(pathToFileURL(file).href);
  try {
    await page.waitForFunction(() => document.body.dataset.rendered, null, { timeout: 30000 });
  } catch {
    fail(`${file}: the charts did not finish drawing within 30 s`);
  }
  const rendered = await page.evaluate(() => document.body.dataset.rendered);
  if (rendered !== 'ok') fail(`${file}: rendering ended with "${rendered}"`);
  const present = await page.evaluate(() => Object.keys(window.nksimViews || {}));
  for (const id of charts) {
    if (!present.includes(id)) { fail(`${file}: chart ${id} missing`); continue; }
    const marks = await page.evaluate(
      (chart) => document.querySelectorAll(`#chart-${chart} svg g.role-mark > *`).length, id);
    if (marks === 0) fail(`${file}: chart ${id} has no marks`);
    else console.log(`ok: ${path.basename(path.dirname(file))}: chart ${id} drawn with ${marks} marks`);
    const actions = await page.evaluate(
      (chart) => [...document.querySelectorAll(`#chart-${chart} .vega-actions a`)].map((a) => a.textContent),
      id);
    if (!actions.some((a) => /SVG/.test(a)) || !actions.some((a) => /PNG/.test(a))) {
      fail(`${file}: chart ${id} cannot be saved as SVG and PNG (actions: ${actions})`);
    }
  }
  await checkReadable(page, path.basename(path.dirname(file)), present);
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(`ok: screenshot ${screenshot}`);
  for (const error of errors) fail(`${file}: browser console: ${error}`);
  return page;
}

// Every chart: each axis has a title, no text reads "NaN", and no two labels overlap (axis
// labels of one axis, legend labels, and text marks such as dose labels).
async function checkReadable(page, report, charts) {
  const problems = await page.evaluate((ids) => {
    const found = [];
    const box = (e) => e.getBoundingClientRect();
    const overlap = (a, b) => a.width > 0 && b.width > 0 && a.left < b.right - 1 &&
      b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
    const pairs = (id, what, elements) => {
      const shown = elements.filter((e) => e.textContent.trim() !== '' &&
                                           getComputedStyle(e).opacity !== '0' &&
                                           e.getAttribute('opacity') !== '0');
      for (let i = 0; i < shown.length; ++i) {
        for (let j = i + 1; j < shown.length; ++j) {
          if (overlap(box(shown[i]), box(shown[j]))) {
            found.push(`${id}: ${what} "${shown[i].textContent}" and "${shown[j].textContent}" overlap`);
          }
        }
      }
    };
    for (const id of ids) {
      const svg = document.querySelector(`#chart-${id} svg`);
      if (!svg) continue;  // reported by the marks check
      for (const text of svg.querySelectorAll('text')) {
        if (/NaN|undefined|Infinity/.test(text.textContent)) {
          found.push(`${id}: text "${text.textContent}" in the chart`);
        }
      }
      // Vega draws grid lines as separate axes without labels: only labelled axes count.
      const axes = [...svg.querySelectorAll('g.role-axis')]
        .filter((a) => a.querySelector('g.role-axis-label text'));
      if (axes.length === 0 && !svg.closest('[data-no-axes]')) found.push(`${id}: no axes`);
      for (const axis of axes) {
        const title = axis.querySelector('g.role-axis-title text');
        if (!title || title.textContent.trim() === '') found.push(`${id}: an axis has no title`);
      }
      // Labels of all axes together: also those of x and y meeting at a corner.
      pairs(id, 'axis labels', axes.flatMap((a) => [...a.querySelectorAll('g.role-axis-label text')]));
      for (const legend of svg.querySelectorAll('g.role-legend')) {
        pairs(id, 'legend labels', [...legend.querySelectorAll('g.role-legend-label text')]);
      }
      pairs(id, 'text marks', [...svg.querySelectorAll('g.role-mark.mark-text text')]);
    }
    return found;
  }, charts);
  for (const problem of problems) fail(`${report}: ${problem}`);
  if (!problems.length) console.log(`ok: ${report}: axis titles, no NaN, no overlapping labels`);
}

// How many marks a chart draws in the SVG group of one class (a Vega-Lite layer named N draws
// into the group "N_marks").
const markCount = (page, chart, markClass) =>
  page.evaluate(([c, k]) => document.querySelectorAll(`#chart-${c} svg g.${k} > *`).length,
                [chart, markClass]);

const chartData = (page, chart, name) =>
  page.evaluate(([c, n]) => window.nksimViews[c].data(n).map((row) => ({ ...row })), [chart, name]);

async function checkWellMixed(browser, dir, work) {
  const page = await openReport(browser, path.join(dir, 'report.html'), ['populations'],
                                path.join(work, 'well_mixed.png'));
  const summary = readJson(path.join(dir, 'summary.json'));
  const timeseries = readCsv(path.join(dir, 'timeseries.csv'));
  compareRows('well-mixed populations', await chartData(page, 'populations', 'timeseries'),
              timeseries);
  // When the events happen early in the run the report adds a close-up of the first days.
  const views = await page.evaluate(() => Object.keys(window.nksimViews));
  if (views.includes('populations_early')) {
    compareRows('well-mixed close-up', await chartData(page, 'populations_early', 'timeseries'),
                timeseries);
  }
  const boluses = summary.doses.filter((d) => d.kind === 'bolus');
  if (boluses.length) {
    compareRows('well-mixed doses', await chartData(page, 'populations', 'doses'),
                boluses.map((d) => ({ time_days: d.time_days })));
  }
  const events = ['elimination_time_days', 'escape_time_days']
    .filter((key) => summary[key] !== null && summary[key] !== undefined)
    .map((key) => ({ time_days: summary[key] }));
  if (events.length) {
    compareRows('well-mixed events', await chartData(page, 'populations', 'events'), events);
  }
  // The headline states the outcome and its day (3 significant digits), as in summary.json.
  const headline = await page.textContent('#headline');
  const expected = {
    eliminated: ['was eliminated', summary.elimination_time_days],
    escaped: ['escaped control', summary.escape_time_days],
  }[summary.outcome];
  if (expected) {
    const t = expected[1];
    const day = `day ${t >= 100 ? Math.round(t) : Number(t.toPrecision(3))}`;
    if (!headline.includes(expected[0]) || !headline.includes(day)) {
      fail(`well-mixed headline should say "${expected[0]}" and "${day}": "${headline}"`);
    }
  } else if (!/neither|went from/.test(headline)) {
    fail(`well-mixed headline does not describe the outcome "${summary.outcome}": "${headline}"`);
  }
  const evidence = await page.textContent('#evidence');
  if (!/mouse/i.test(evidence) || !/early-phase/.test(evidence)) {
    fail(`well-mixed evidence section does not name the mouse fit and the early-phase NK evidence`);
  }
  const table = await page.textContent('main');
  for (const [name, value] of Object.entries(summary.parameters)) {
    if (!table.includes(name)) fail(`parameter ${name} (${value}) missing from the table`);
  }
  await page.close();
}

// Daily doses and a drug that stays at 0 (tests/report/scenarios/daily_doses.toml): one rule
// per dose, one label per cluster of doses, and a readable axis for the constant drug.
async function checkDailyDoses(browser, dir, work) {
  const page = await openReport(browser, path.join(dir, 'report.html'),
                                ['populations', 'state_M', 'state_I'],
                                path.join(work, 'daily_doses.png'));
  const summary = readJson(path.join(dir, 'summary.json'));
  const doses = summary.doses.filter((d) => d.kind === 'bolus');
  compareRows('daily doses', await chartData(page, 'populations', 'doses'),
              doses.map((d) => ({ time_days: d.time_days })));
  const rules = await markCount(page, 'populations', 'doses_rules_marks');
  if (rules !== doses.length) fail(`daily doses: ${rules} dose rules drawn for ${doses.length} doses`);
  const labels = await chartData(page, 'populations', 'dose_labels');
  const covered = labels.reduce((n, l) => n + l.doses, 0);
  if (covered !== doses.length) fail(`daily doses: labels stand for ${covered} doses, not ${doses.length}`);
  else if (labels.length >= doses.length) fail(`daily doses: ${labels.length} labels for ${doses.length} close doses (no clustering)`);
  else console.log(`ok: daily doses: ${doses.length} doses, ${labels.length} labels, ${rules} rules`);
  const caption = await page.textContent('#chart-state_M + figcaption');
  if (!/stays at 0/.test(caption)) fail(`the constant drug's caption does not say it stays at 0: "${caption}"`);
  await page.close();
}

async function checkSpatial(browser, dir, work, expectedCells) {
  const page = await openReport(browser, path.join(dir, 'report.html'),
                                ['counts', 'fields', 'snapshot_0', 'snapshot_1'],
                                path.join(work, 'spatial.png'));
  const counts = readCsv(path.join(dir, 'counts.csv'));
  compareRows('spatial counts', await chartData(page, 'counts', 'counts'), counts);
  compareRows('spatial field totals', await chartData(page, 'fields', 'counts'), counts);
  for (const id of ['snapshot_0', 'snapshot_1']) {
    compareRows(`spatial ${id} cells`, await chartData(page, id, 'cells'), expectedCells[id]);
  }
  // Units from the counts.csv-metadata.json sidecar: the total's axis reads them.
  const titles = await page.evaluate(() => [...document.querySelectorAll(
    '#chart-fields g.role-axis-title text')].map((t) => t.textContent));
  if (!titles.includes('Amount in the tissue (ng/mL × µm³)')) {
    fail(`spatial field totals: the axis does not name the sidecar's unit: ${titles}`);
  }
  const link = await page.getAttribute('a[href="snapshots.xdmf"]', 'href').catch(() => null);
  if (link !== 'snapshots.xdmf') fail('spatial report has no link to snapshots.xdmf');
  await page.close();
}

// A real NK run (scenarios/spheroid_infusion.toml): kill read-outs as tables, kills per hour by
// pathway equal to summary.json, NK states and MHC-I histograms that agree with counts.csv at
// the snapshot times, and one dashed rule per dose on each time chart.
async function checkNk(browser, dir, work) {
  const charts = ['counts', 'kills', 'nk_states', 'mhc_i', 'fields', 'field_ifn_gamma'];
  const page = await openReport(browser, path.join(dir, 'report.html'), charts,
                                path.join(work, 'nk.png'));
  const summary = readJson(path.join(dir, 'summary.json'));
  const counts = readCsv(path.join(dir, 'counts.csv'));
  const nk = summary.readouts.nk_recognition_kill.effectors.nk;
  compareRows('NK kills per hour', await chartData(page, 'kills', 'kills'),
              nk.kills_per_hour.flatMap((k, h) => [
                { start_min: 60 * h, pathway: 'granzyme', kills: nk.kills_per_hour_granzyme[h] },
                { start_min: 60 * h, pathway: 'death receptor',
                  kills: nk.kills_per_hour_death_receptor[h] }]));
  const atTime = (t) => counts.find((row) => row.time_min === t);
  const states = await chartData(page, 'nk_states', 'nk_states');
  let checked = 0;
  for (const row of states.filter((r) => r.measure === 'alive')) {
    const c = atTime(row.time_min);
    if (!c) continue;
    ++checked;
    if (c.nk_live !== row.cells) fail(`NK states: ${row.cells} alive at minute ${row.time_min}, counts.csv has ${c.nk_live}`);
  }
  for (const row of states) {
    const alive = states.find((r) => r.time_min === row.time_min && r.measure === 'alive').cells;
    if (row.cells > alive) fail(`NK states: ${row.measure} ${row.cells} > ${alive} alive at minute ${row.time_min}`);
  }
  if (checked < 2) fail(`NK states: only ${checked} snapshot times found in counts.csv`);
  else console.log(`ok: NK states: alive equals counts.csv at ${checked} snapshot times`);
  const mhc = await chartData(page, 'mhc_i', 'mhc_i');
  for (const snapshot of new Set(mhc.map((r) => r.snapshot))) {
    const cells = mhc.filter((r) => r.snapshot === snapshot).reduce((n, r) => n + r.cells, 0);
    const c = atTime(Number(snapshot.replace('minute ', '')));
    if (!c || c.tumour_live !== cells) fail(`MHC-I: ${cells} tumour cells at ${snapshot}, counts.csv has ${c?.tumour_live}`);
    else console.log(`ok: MHC-I histogram at ${snapshot}: ${cells} cells = tumour_live`);
  }
  // scenarios/spheroid_infusion.toml: 3 doses, at 0, 480 and 960 minutes.
  for (const id of ['counts', 'kills', 'nk_states']) {
    compareRows(`NK doses on ${id}`, await chartData(page, id, 'nk_doses'),
                [0, 480, 960].map((t) => ({ time_min: t })));
    const rules = await markCount(page, id, 'nk_doses_rules_marks');
    if (rules !== 3) fail(`${id}: ${rules} dose rules drawn, expected 3`);
  }
  // Heat maps: 800 µm / 20 µm voxels = 40 per side, so no block averaging; each map's sum times
  // the voxel volume (20 µm)³ is the field total of counts.csv at that time (values rounded to
  // 3 significant digits: within 1 %).
  const heat = await chartData(page, 'field_ifn_gamma', 'field');
  const times = [...new Set(heat.map((r) => r.tm))];
  if (times.length !== 4) fail(`heat map: ${times.length} snapshots drawn, expected 4`);
  for (const t of times) {
    const cells = heat.filter((r) => r.tm === t);
    const total = cells.reduce((n, r) => n + r.v, 0) * 8000;
    const expected = atTime(t)?.ifn_gamma_total;
    if (cells.length !== 1600) fail(`heat map at minute ${t}: ${cells.length} squares, expected 40 x 40`);
    if (expected === undefined || Math.abs(total - expected) > 0.01 * Math.abs(expected) + 1e-6) {
      fail(`heat map at minute ${t}: sum x voxel volume ${total}, counts.csv total ${expected}`);
    } else {
      console.log(`ok: heat map at minute ${t}: sum x voxel volume ${total.toPrecision(4)} = total ${expected.toPrecision(4)}`);
    }
  }
  const fieldTitles = await page.evaluate(() => [...document.querySelectorAll(
    '#chart-fields g.role-axis-title text')].map((t) => t.textContent));
  if (!fieldTitles.some((t) => t.includes('µm³')) || fieldTitles.some((t) => /field units/.test(t))) {
    fail(`field totals: axis titles without units: ${fieldTitles}`);
  }
  const tables = await page.textContent('main');
  for (const text of ['killed by effector cells', 'contact to death, granzyme', 'serial killers']) {
    if (!tables.includes(text)) fail(`NK report: no "${text}" row in the kill tables`);
  }
  if (/\{"/.test(tables)) fail('NK report: raw JSON text in the page');
  await page.close();
}

// The killing assay (a [sweep] of E:T): one report of its own with the dose-response, equal to
// summary.json's specific lysis, each point inside its interval, and a report per condition.
async function checkSweep(browser, dir, work) {
  const page = await openReport(browser, path.join(dir, 'report.html'), ['lysis'],
                                path.join(work, 'sweep.png'));
  const summary = readJson(path.join(dir, 'summary.json'));
  const expected = summary.specific_lysis.by_value;
  const lysis = await chartData(page, 'lysis', 'lysis');
  if (lysis.length !== expected.length) fail(`sweep: ${lysis.length} points, ${expected.length} in summary.json`);
  for (let i = 0; i < Math.min(lysis.length, expected.length); ++i) {
    const [got, want] = [lysis[i], expected[i]];
    if (got.value !== want.value || Math.abs(got.specific_lysis_percent - want.specific_lysis_percent) > 1e-9) {
      fail(`sweep: point ${i} is (${got.value}, ${got.specific_lysis_percent}), summary.json has (${want.value}, ${want.specific_lysis_percent})`);
    }
    if (!(got.lower <= got.specific_lysis_percent && got.specific_lysis_percent <= got.upper)) {
      fail(`sweep: point ${i} outside its interval [${got.lower}, ${got.upper}]`);
    }
  }
  console.log(`ok: sweep: ${lysis.length} points equal summary.json's specific lysis, inside their intervals`);
  const points = await markCount(page, 'lysis', 'lysis_points_marks');
  if (points !== expected.length) fail(`sweep: ${points} points drawn, expected ${expected.length}`);
  const links = await page.$$eval('a[href$="report.html"]', (as) => as.map((a) => a.getAttribute('href')));
  if (links.length !== summary.conditions.length) fail(`sweep: ${links.length} condition links, expected ${summary.conditions.length}`);
  for (const link of links) {
    if (!fs.existsSync(path.join(dir, link))) fail(`sweep: ${link} does not exist`);
  }
  await page.close();
  // A condition's report marks its dose (read from the condition's scenario.toml).
  const last = summary.conditions[summary.conditions.length - 1].out_dir;
  const condition = await openReport(browser, path.join(dir, last, 'report.html'),
                                     ['counts', 'kills'], path.join(work, 'sweep_condition.png'));
  const doses = await chartData(condition, 'counts', 'nk_doses');
  if (doses.length !== 1) fail(`sweep condition ${last}: ${doses.length} dose markers, expected 1`);
  await condition.close();
}

// A 3-D run (scenarios/spheroid_infusion_3d.toml): slices by default, and an interactive 3-D
// view (three.js, inlined) holding every cell of the last snapshot, drawn, turning on drag.
async function checkThreeD(browser, dir, work) {
  const page = await openReport(browser, path.join(dir, 'report.html'), ['counts', 'kills'],
                                path.join(work, 'three_d.png'));
  const counts = readCsv(path.join(dir, 'counts.csv'));
  const last = counts[counts.length - 1];
  const agents = Object.entries(last).filter(([k]) => k !== 'time_min' && !k.endsWith('_total'))
    .reduce((n, [, v]) => n + v, 0);
  const state = await page.evaluate(() => ({
    scene: document.getElementById('scene-tissue_3d')?.dataset.scene,
    record: window.nksimScenes?.tissue_3d,
  }));
  if (state.scene !== 'ok') fail(`3-D view: data-scene is ${state.scene} (expected ok)`);
  if (state.record?.spheres !== agents) fail(`3-D view: ${state.record?.spheres} spheres, counts.csv has ${agents} cells at the end`);
  else console.log(`ok: 3-D view: ${agents} spheres = cells in counts.csv at minute ${last.time_min}`);
  // Pixels: the canvas is not blank, and dragging turns the tissue (a new picture).
  const pixels = () => page.evaluate(() => {
    const canvas = document.querySelector('#scene-tissue_3d canvas');
    const copy = document.createElement('canvas');
    copy.width = canvas.width; copy.height = canvas.height;
    const context = copy.getContext('2d');
    context.drawImage(canvas, 0, 0);
    const data = context.getImageData(0, 0, copy.width, copy.height).data;
    let coloured = 0, hash = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] < 240 || data[i + 1] < 240 || data[i + 2] < 240) ++coloured;
      hash = (hash * 31 + data[i] + 7 * data[i + 1]) % 1000000007;
    }
    return { coloured, total: data.length / 4, hash };
  });
  const before = await pixels();
  if (before.coloured < 0.02 * before.total) fail(`3-D view: only ${before.coloured} coloured pixels`);
  await page.locator('#scene-tissue_3d canvas').scrollIntoViewIfNeeded();
  const box = await page.locator('#scene-tissue_3d canvas').boundingBox();
  await page.mouse.move(box.x + 300, box.y + 200);
  await page.mouse.down();
  await page.mouse.move(box.x + 420, box.y + 260, { steps: 5 });
  await page.mouse.up();
  const after = await pixels();
  if (after.hash === before.hash) fail('3-D view: dragging did not turn the tissue');
  else console.log(`ok: 3-D view: ${before.coloured} coloured pixels; dragging redraws it`);
  // Living cells in their type's chart colour (Okabe-Ito in type order: tumour, nk).
  const scene = await page.evaluate(
    () => JSON.parse(document.getElementById('nksim-scenes').textContent).tissue_3d);
  const colour = (name) => scene.colours[scene.categories.indexOf(name)];
  if (colour('tumour live') !== '#E69F00' || colour('nk live') !== '#56B4E9') {
    fail(`3-D view: living cells not in their chart colours: ${JSON.stringify(scene.categories)} ${JSON.stringify(scene.colours)}`);
  }
  const captions = await page.$$eval('figcaption', (f) => f.map((e) => e.textContent));
  if (!captions.some((c) => /in the slice z =/.test(c))) fail('3-D run: the tissue pictures are not slices');
  await page.close();
}

async function checkTrial(browser, dir, work) {
  const charts = ['response_rates', 'waterfall', 'kaplan_meier', 'swimmer', 'spider', 'prcc'];
  const page = await openReport(browser, path.join(dir, 'report.html'), charts,
                                path.join(work, 'trial.png'));
  const analysis = readJson(path.join(dir, 'analysis.json'));
  compareRows('trial waterfall', await chartData(page, 'waterfall', 'patients'),
              analysis.patients.map((p) => ({ patient: p.patient, arm: p.arm,
                                              best_pct_change: p.best_pct_change,
                                              category: p.category })));
  compareRows('trial swimmer', await chartData(page, 'swimmer', 'patients'),
              analysis.patients.map((p) => ({ patient: p.patient, survival_days: p.survival_days,
                                              ttp_days: p.ttp_days, death: p.death,
                                              elimination_time_days: p.elimination_time_days })));
  compareRows('trial Kaplan-Meier', await chartData(page, 'kaplan_meier', 'km'),
              analysis.arms.flatMap((a) => a.km.time_days.map((t, i) => ({
                arm: a.name, time_days: t, survival: a.km.survival[i], lower: a.km.lower[i],
                upper: a.km.upper[i], at_risk: a.km.at_risk[i], events: a.km.events[i] }))));
  compareRows('trial response rates', await chartData(page, 'response_rates', 'rates'),
              analysis.arms.flatMap((a) => [
                { arm: a.name, rate: a.response.orr, lower: a.response.orr_ci[0],
                  upper: a.response.orr_ci[1] },
                { arm: a.name, rate: a.elimination.rate, lower: a.elimination.ci[0],
                  upper: a.elimination.ci[1] }]));
  compareRows('trial spider', await chartData(page, 'spider', 'trajectories'),
              analysis.trajectories.flatMap((p) => p.time_days.map((t, i) => ({
                patient: p.patient, arm: p.arm, time_days: t, tumour: p.tumour[i] }))));
  compareRows('trial PRCC', await chartData(page, 'prcc', 'prcc'),
              analysis.prcc.map((p) => ({ endpoint: p.endpoint, parameter: p.parameter,
                                          prcc: p.prcc, p_value: p.p_value })));
  await page.close();
}

async function main() {
  const args = parseArgs();
  const { chromium } = loadPlaywright();
  const executablePath = chromiumPath();
  const work = path.resolve(args.work);
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });

  const wellMixed = path.join(work, 'well_mixed');
  run(args.nksim, ['run', 'scenarios/default.toml', '--out', wellMixed, '--report', '--quiet'],
      args.source);
  const dailyDoses = path.join(work, 'daily_doses');
  run(args.nksim, ['run', 'tests/report/scenarios/daily_doses.toml', '--out', dailyDoses,
                   '--report', '--quiet'], args.source);
  const nk = path.join(work, 'nk');
  run(args.nksim, ['run', 'scenarios/spheroid_infusion.toml', '--out', nk, '--report', '--quiet'],
      args.source);
  const sweep = path.join(work, 'killing_assay');
  run(args.nksim, ['run', 'scenarios/killing_assay.toml', '--out', sweep, '--report', '--quiet'],
      args.source);
  const threeD = path.join(work, 'three_d');
  run(args.nksim, ['run', 'scenarios/spheroid_infusion_3d.toml', '--out', threeD, '--report',
                   '--quiet'], args.source);
  run(args.fixtures, [path.join(work, 'fixtures')]);
  const spatial = path.join(work, 'fixtures', 'spatial');
  const trial = path.join(work, 'fixtures', 'trial');
  run(args.nksim, ['report', spatial, '--quiet']);
  run(args.nksim, ['report', trial, '--quiet']);
  const expectedCells = readJson(path.join(work, 'fixtures', 'expected_cells.json'));

  const browser = await chromium.launch({
    executablePath,
    headless: true,
    // WebGL for the 3-D view comes from SwiftShader (software); newer Chromium wants it asked for.
    args: ['--no-sandbox', '--disable-gpu', '--enable-unsafe-swiftshader', '--disable-quic',
           '--no-first-run', '--disable-background-networking', '--disable-component-update',
           '--disable-sync'],
  });
  try {
    await checkWellMixed(browser, wellMixed, work);
    await checkDailyDoses(browser, dailyDoses, work);
    await checkSpatial(browser, spatial, work, expectedCells);
    await checkNk(browser, nk, work);
    await checkSweep(browser, sweep, work);
    await checkThreeD(browser, threeD, work);
    await checkTrial(browser, trial, work);
  } finally {
    await browser.close();
  }
  if (failures.length) {
    console.error(`${failures.length} check(s) failed`);
    process.exit(1);
  }
  console.log('all report checks passed');
}

main().catch((error) => {
  console.error(`FAIL: ${error.stack ?? error}`);
  process.exit(1);
});
