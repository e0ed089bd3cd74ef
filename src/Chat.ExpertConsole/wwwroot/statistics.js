// The coordinator's statistics: the report tables of the evaluation reports for a week, month, quarter, year or
// any period; a 12-week trend, a day-by-hour heat map against staffing, workload per expert, print and CSV.
import { statsTexts } from './statistics-i18n.js';
import { h, fill } from './dom.js';

const root = document.getElementById('stats');
const lang = root.dataset.lang === 'en' ? 'en' : 'nl';
const t = statsTexts[lang];
const locale = lang === 'en' ? 'en-GB' : 'nl-NL';

const state = { mode: 'week', anchor: new Date(), from: null, to: null };

// ---- dates (local calendar days) ----------------------------------------------------------------

const pad = (n) => String(n).padStart(2, '0');
const iso = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const addDays = (d, n) => new Date(d.getFullYear(), d.getMonth(), d.getDate() + n);
const monday = (d) => addDays(d, -((d.getDay() + 6) % 7));

function isoWeek(d) {
  const thursday = addDays(monday(d), 3);
  const year = thursday.getFullYear();
  const firstThursday = addDays(monday(new Date(year, 0, 4)), 3);
  const week = 1 + Math.round((thursday - firstThursday) / (7 * 86400000));
  return `${year}-W${pad(week)}`;
}

function period() {
  const a = state.anchor;
  switch (state.mode) {
    case 'week': { const m = monday(a); return { from: m, to: addDays(m, 6), week: isoWeek(m) }; }
    case 'month': return { from: new Date(a.getFullYear(), a.getMonth(), 1), to: new Date(a.getFullYear(), a.getMonth() + 1, 0) };
    case 'quarter': { const q = Math.floor(a.getMonth() / 3) * 3; return { from: new Date(a.getFullYear(), q, 1), to: new Date(a.getFullYear(), q + 3, 0) }; }
    case 'year': return { from: new Date(a.getFullYear(), 0, 1), to: new Date(a.getFullYear(), 11, 31) };
    default: return { from: state.from || monday(a), to: state.to || addDays(monday(a), 6) };
  }
}

function step(direction) {
  const a = state.anchor;
  state.anchor = state.mode === 'week' ? addDays(a, 7 * direction)
    : state.mode === 'month' ? new Date(a.getFullYear(), a.getMonth() + direction, 1)
    : state.mode === 'quarter' ? new Date(a.getFullYear(), a.getMonth() + 3 * direction, 1)
    : new Date(a.getFullYear() + direction, 0, 1);
  load();
}

// ---- layout -------------------------------------------------------------------------------------

const els = {};
function layout() {
  const modes = ['week', 'month', 'quarter', 'year', 'custom'];
  els.modes = h('div', { class: 'segmented no-print', role: 'tablist', 'aria-label': t.title },
    modes.map((m) => h('button', { type: 'button', role: 'tab', class: 'seg', dataset: { mode: m },
      onclick: () => { state.mode = m; renderControls(); load(); } }, t[m])));
  els.stepper = h('div', { class: 'stepper no-print' },
    h('button', { type: 'button', class: 'secondary', onclick: () => step(-1) }, '‹ ' + t.prev),
    h('button', { type: 'button', class: 'secondary', onclick: () => { state.anchor = new Date(); load(); } }, t.current),
    h('button', { type: 'button', class: 'secondary', onclick: () => step(1) }, t.next + ' ›'));
  els.fromInput = h('input', { type: 'date', id: 'from' });
  els.toInput = h('input', { type: 'date', id: 'to' });
  els.custom = h('form', { class: 'custom no-print', onsubmit: (e) => {
    e.preventDefault();
    state.from = els.fromInput.valueAsDate ? new Date(els.fromInput.value + 'T00:00') : null;
    state.to = els.toInput.valueAsDate ? new Date(els.toInput.value + 'T00:00') : null;
    load();
  } }, h('label', { for: 'from' }, t.from), els.fromInput, h('label', { for: 'to' }, t.to), els.toInput,
    h('button', { type: 'submit', class: 'primary' }, t.show));
  els.title = h('h1', {});
  els.csv = h('a', { class: 'secondary button no-print', download: '' }, t.csv);
  els.body = h('div', { class: 'report', 'aria-live': 'polite' });
  els.live = h('section', { class: 'table-block live no-print', 'aria-labelledby': 'live-title' });
  root.replaceChildren(
    h('header', { class: 'bar no-print' },
      h('div', { class: 'bar-left' }, h('strong', { class: 'product' }, t.title)),
      h('nav', { class: 'bar-right' }, h('a', { href: '/console' }, t.back))),
    h('main', { class: 'stats-main' },
      h('div', { class: 'controls' }, projectPicker(), els.modes, els.stepper, els.custom,
        h('div', { class: 'actions-right no-print' },
          h('button', { type: 'button', class: 'secondary', onclick: () => window.print() }, t.print), els.csv)),
      els.live, els.title, els.body));
}

// The live situation, without any content: open or closed, the queue, who is on shift and how busy.
async function loadLive() {
  try {
    const [live, mailbox] = await Promise.all([getJson(withProject('/api/statistics/live')), getJson('/api/mailbox/summary')]);
    const oldest = mailbox.oldestWaitingSince ? Math.max(0, Math.floor((Date.now() - Date.parse(mailbox.oldestWaitingSince)) / 3600000)) : 0;
    fill(els.live, h('h2', { id: 'live-title' }, t.now),
      h('p', { class: 'live-line' }, h('strong', {}, live.open ? t.open : t.closed), ' · ', t.waitingNow(live.queue.waiting),
        ' · ', h('a', { href: '/console/mailbox' }, t.mailboxWaiting(mailbox.waiting, oldest))),
      live.experts.length === 0 ? h('p', { class: 'muted' }, t.nobodyOnShift)
        : h('ul', { class: 'live-experts' }, live.experts.map((e) => h('li', {},
            h('strong', {}, e.displayName), ` · ${t.availability[e.availability] ?? e.availability} · ${t.chatsOf(e.activeChats, e.maxChats)}`,
            e.connected ? null : ` · ${t.disconnected}`))));
  } catch { /* the report below says when loading fails */ }
}

function renderControls() {
  for (const b of els.modes.children) b.setAttribute('aria-selected', String(b.dataset.mode === state.mode));
  els.stepper.hidden = state.mode === 'custom';
  els.custom.hidden = state.mode !== 'custom';
}

// ---- rendering ----------------------------------------------------------------------------------

const fmt = (d) => new Date(d + 'T00:00').toLocaleDateString(locale, { day: 'numeric', month: 'long', year: 'numeric' });

function card(label, value) {
  return h('div', { class: 'card' }, h('div', { class: 'card-value' }, String(value)), h('div', { class: 'card-label' }, label));
}

function table(key, tb) {
  return h('section', { class: 'table-block', 'aria-labelledby': `t-${key}` },
    h('h2', { id: `t-${key}` }, tb.label),
    h('table', { class: 'report-table' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, t.answer)), h('th', { scope: 'col', class: 'num' }, t.count),
        h('th', { scope: 'col', class: 'num' }, t.percent), h('th', { scope: 'col', class: 'bar-col' }, h('span', { class: 'sr-only' }, t.percent)))),
      h('tbody', {}, tb.rows.map((r) => h('tr', {},
        h('th', { scope: 'row' }, r.label), h('td', { class: 'num' }, String(r.count)), h('td', { class: 'num' }, `${r.percent}%`),
        h('td', { class: 'bar-col', 'aria-hidden': 'true' }, h('span', { class: 'pct-bar', dataset: { w: String(r.percent) } }))))),
      h('tfoot', {},
        h('tr', {}, h('th', { scope: 'row' }, t.n), h('td', { class: 'num' }, String(tb.n)), h('td', {}), h('td', {})),
        tb.unknown > 0 ? h('tr', {}, h('th', { scope: 'row' }, tb.multiple ? t.none : t.unknown), h('td', { class: 'num' }, String(tb.unknown)), h('td', {}), h('td', {})) : null)),
    tb.multiple ? h('p', { class: 'muted small' }, t.severalNote) : null);
}

// Bars get their width from CSSOM (style attributes would need 'unsafe-inline' in the CSP).
function sizeBars() { document.querySelectorAll('.pct-bar[data-w]').forEach((b) => { b.style.width = `${b.dataset.w}%`; }); }

const SVG = 'http://www.w3.org/2000/svg';
function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
  for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

function trendChart(points) {
  const W = 720, H = 220, pad = 32, bw = (W - 2 * pad) / points.length;
  const max = Math.max(1, ...points.map((p) => Math.max(p.contacts, p.requests)));
  const y = (v) => H - pad - (v / max) * (H - 2 * pad);
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'trend', role: 'img',
    'aria-label': `${t.trend}: ` + points.map((p) => `${p.week} ${p.contacts} ${t.trendContacts}, ${p.requests} ${t.trendRequests}`).join('; ') });
  // A y axis with 0, the middle and the top, so bars and line read without hovering.
  for (const v of [...new Set([0, Math.round(max / 2), max])]) {
    svg.append(s('line', { x1: pad - 4, y1: y(v), x2: W - pad, y2: y(v), class: v ? 'grid' : 'axis' }));
    svg.append(s('text', { x: pad - 7, y: y(v) + 4, class: 'tick' }, v));
  }
  svg.append(s('line', { x1: pad, y1: pad, x2: pad, y2: H - pad, class: 'axis' }));
  points.forEach((p, i) => {
    const x = pad + i * bw;
    svg.append(s('rect', { x: x + bw * 0.15, y: y(p.contacts), width: bw * 0.7, height: H - pad - y(p.contacts), class: 'bar-contacts' },
      s('title', {}, `${p.week}: ${p.contacts} ${t.trendContacts}`)));
    if (p.contacts > 0) svg.append(s('text', { x: x + bw / 2, y: y(p.contacts) - 4, class: 'value' }, p.contacts));
    svg.append(s('text', { x: x + bw / 2, y: H - pad + 16, class: 'label' }, p.week.slice(5)));
  });
  const line = points.map((p, i) => `${pad + i * bw + bw / 2},${y(p.requests)}`).join(' ');
  svg.append(s('polyline', { points: line, class: 'line-requests' }));
  points.forEach((p, i) => {
    svg.append(s('circle', { cx: pad + i * bw + bw / 2, cy: y(p.requests), r: 3, class: 'dot-requests' },
      s('title', {}, `${p.week}: ${p.requests} ${t.trendRequests}`)));
    // The requests' value beside its dot (the contacts' value stands above the bar).
    if (p.requests > 0) svg.append(s('text', { x: pad + i * bw + bw / 2 + 6, y: y(p.requests) - 6, class: 'value value-requests' }, p.requests));
  });
  return h('section', { class: 'table-block wide' }, h('h2', {}, t.trend), svg,
    h('p', { class: 'legend' }, h('span', { class: 'key key-contacts' }), t.trendContacts, ' ', h('span', { class: 'key key-requests' }), t.trendRequests));
}

function heatMap(hm) {
  const max = Math.max(1, ...hm.requests.flat());
  const head = h('tr', {}, h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, t.day)), [...Array(24).keys()].map((hr) => h('th', { scope: 'col', class: 'hr' }, pad(hr))));
  const rows = hm.requests.map((row, d) => h('tr', {}, h('th', { scope: 'row' }, t.days[d]), row.map((v, hr) => {
    const staffed = hm.staffedHours[d][hr] > 0;
    const unstaffed = v > 0 && !staffed;
    const cell = h('td', { class: 'cell' + (staffed ? ' staffed' : '') + (unstaffed ? ' unstaffed' : ''),
      dataset: { level: String(Math.ceil((v / max) * 4)) }, title: `${t.days[d]} ${pad(hr)}:00 – ${v} ${t.trendRequests}` }, v > 0 ? String(v) : '');
    return cell;
  })));
  return h('section', { class: 'table-block wide' }, h('h2', {}, t.heat),
    scroller(t.heat, h('table', { class: 'heat' }, h('thead', {}, head), h('tbody', {}, rows))),
    h('p', { class: 'muted small' }, t.heatLegend));
}

function workload(list) {
  const hours = (m) => (m / 60).toLocaleString(locale, { maximumFractionDigits: 1 });
  return h('section', { class: 'table-block wide' }, h('h2', {}, t.workload), h('p', { class: 'muted small' }, t.workloadNote),
    scroller(t.workload, h('table', { class: 'report-table' },
      // Chats taken (also those ended by a block, passed on, or ended by the system) beside the forms filed.
      h('thead', {}, h('tr', {}, [t.expert, t.chatsTaken, t.formsFiled, t.chatHours, t.otherHours, t.shiftHours, t.plannedHours, t.formsMissing]
        .map((c, i) => h('th', { scope: 'col', class: i ? 'num' : null }, c)))),
      h('tbody', {}, list.map((e) => h('tr', {}, h('th', { scope: 'row' }, e.displayName),
        h('td', { class: 'num' }, String(e.chatsTaken ?? 0)), h('td', { class: 'num' }, String(e.contacts)),
        h('td', { class: 'num' }, hours(e.chatMinutes)), h('td', { class: 'num' }, hours(e.otherContactMinutes)),
        h('td', { class: 'num' }, e.shiftHours.toLocaleString(locale)),
        h('td', { class: 'num' }, (e.plannedHours ?? 0).toLocaleString(locale)), h('td', { class: 'num' + (e.formsMissing ? ' warn' : '') }, String(e.formsMissing))))))));
}

// What visitors said after their chat: responses, the average mark (one decimal) and "did it help" with percentages.
function feedbackSection(fb) {
  const n = fb?.responses ?? 0;
  const helped = fb?.helped ?? { yes: 0, somewhat: 0, no: 0 };
  const answered = helped.yes + helped.somewhat + helped.no;
  const pct = (v) => answered === 0 ? 0 : Math.round((v / answered) * 100);
  const mark = fb?.averageScore == null ? '–' : fb.averageScore.toLocaleString(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  return h('section', { class: 'table-block feedback', 'aria-labelledby': 't-feedback' },
    h('h2', { id: 't-feedback' }, t.feedback),
    n === 0 ? h('p', { class: 'muted' }, t.feedbackNone) : [
      h('div', { class: 'cards' }, card(t.feedbackResponses, n), card(t.feedbackAverage, mark)),
      h('table', { class: 'report-table' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t.feedbackHelped), h('th', { scope: 'col', class: 'num' }, t.count),
          h('th', { scope: 'col', class: 'num' }, t.percent), h('th', { scope: 'col', class: 'bar-col' }, h('span', { class: 'sr-only' }, t.percent)))),
        h('tbody', {}, ['yes', 'somewhat', 'no'].map((k) => h('tr', {},
          h('th', { scope: 'row' }, t.helped[k]), h('td', { class: 'num' }, String(helped[k])), h('td', { class: 'num' }, `${pct(helped[k])}%`),
          h('td', { class: 'bar-col', 'aria-hidden': 'true' }, h('span', { class: 'pct-bar', dataset: { w: String(pct(helped[k])) } }))))),
        h('tfoot', {}, h('tr', {}, h('th', { scope: 'row' }, t.n), h('td', { class: 'num' }, String(answered)), h('td', {}), h('td', {})))),
      h('p', { class: 'muted small' }, t.feedbackNote)]);
}

// The anonymous mailbox: counts only (letters received and answered, time to an answer in hours).
function mailboxSection(m) {
  if (!m) return null;
  return h('section', { class: 'table-block mailbox', 'aria-labelledby': 't-mailbox' },
    h('h2', { id: 't-mailbox' }, t.mailbox),
    h('div', { class: 'cards' }, card(t.mailboxReceived, m.lettersReceived), card(t.mailboxAnswered, m.lettersAnswered),
      card(t.mailboxMedian, t.hours(m.medianAnswerHours)), card(t.mailboxP80, t.hours(m.p80AnswerHours)), card(t.mailboxClosed, m.closed)),
    h('p', { class: 'muted small' }, t.mailboxNote));
}

// Triage: waits per tier (in danger first, then those who waited long, then everyone else), and the reasons a chat went
// first crossed with the safety the expert filled in (so the coordinator can tune the urgent words). Counts only.
function triageSection(tr) {
  if (!tr) return null;
  const safety = ['none', 'concern', 'acute'];
  return h('section', { class: 'table-block triage', 'aria-labelledby': 't-triage' },
    h('h2', { id: 't-triage' }, t.triage),
    scroller(t.triage, h('table', { class: 'report-table' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t.priority), h('th', { scope: 'col', class: 'num' }, t.requests),
        h('th', { scope: 'col', class: 'num' }, t.answered), h('th', { scope: 'col', class: 'num' }, t.medianWait),
        h('th', { scope: 'col', class: 'num' }, t.p90Wait))),
      h('tbody', {}, tr.tiers.map((x) => h('tr', {}, h('th', { scope: 'row' }, x.label), h('td', { class: 'num' }, String(x.requests)),
        h('td', { class: 'num' }, String(x.answered)), h('td', { class: 'num' }, t.seconds(x.medianWaitSeconds)),
        h('td', { class: 'num' }, t.seconds(x.p90WaitSeconds))))))),
    h('h3', {}, t.reasonsTitle),
    scroller(t.reasonsTitle, h('table', { class: 'report-table' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t.reason), h('th', { scope: 'col', class: 'num' }, t.contacts),
        safety.map((k) => h('th', { scope: 'col', class: 'num' }, t.safety[k])))),
      h('tbody', {}, tr.reasons.map((r) => h('tr', {}, h('th', { scope: 'row' }, r.label), h('td', { class: 'num' }, String(r.contacts)),
        safety.map((k) => h('td', { class: 'num' }, String(r.safety?.[k] ?? 0)))))))),
    h('p', { class: 'muted small' }, t.triageNote));
}

// A wide table scrolls sideways in its own box on a narrow screen (never the page): a named region that the keyboard
// can reach and scroll.
function scroller(label, table) {
  return h('div', { class: 'table-scroll', role: 'region', tabindex: '0', 'aria-label': t.scrolls(label) }, table);
}

async function getJson(url) {
  const r = await fetch(url, { credentials: 'same-origin' });
  if (r.status === 401) { location.href = '/console/login?returnUrl=/console/statistics'; throw new Error('signed out'); }
  if (!r.ok) throw new Error(String(r.status));
  return r.json();
}

// A coordinator of several projects: one project's figures at a time (or all of theirs together), the CSV likewise.
let projects = [];
const withProject = (url) => (state.project ? `${url}&project=${encodeURIComponent(state.project)}`.replace(/^([^?]*)&/, '$1?') : url);
function projectPicker() {
  if (projects.length < 2) return null;
  const select = h('select', { id: 'project', onchange: () => { state.project = select.value; load(); loadLive(); } },
    h('option', { value: '' }, t.allProjects), ...projects.map((p) => h('option', { value: p.slug, selected: p.slug === state.project }, p.name)));
  return h('div', { class: 'project-picker no-print' }, h('label', { for: 'project' }, t.project), ' ', select);
}

// "All my projects together": each project's main figures side by side in one table, with the sum beside them.
async function sideBySide(url) {
  if (state.project || projects.length < 2) return null;
  const reports = await Promise.all(projects.map((p) => getJson(`${url}&project=${encodeURIComponent(p.slug)}`)));
  const rows = [
    [t.contacts, (r) => r.contacts], [t.requests, (r) => r.chat.requests], [t.answered, (r) => r.chat.answered],
    [t.abandoned, (r) => r.chat.abandoned], [t.closedRequests, (r) => r.chat.requestsWhileClosed],
    [t.medianWait, (r) => r.chat.medianWaitSeconds, true], [t.overflowOut, (r) => r.chat.overflow?.out ?? 0],
    [t.overflowIn, (r) => r.chat.overflow?.in ?? 0], [t.mailboxReceived, (r) => r.mailbox?.lettersReceived ?? 0],
    [t.formsMissing, (r) => r.chat.formsMissing]];
  return h('section', { class: 'table-block wide' }, h('h2', {}, t.sideBySide),
    scroller(t.sideBySide, h('table', { class: 'report-table' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t.figure), ...projects.map((p) => h('th', { scope: 'col', class: 'num' }, p.name)))),
      h('tbody', {}, rows.map(([label, get, seconds]) => h('tr', {}, h('th', { scope: 'row' }, label),
        ...reports.map((r) => h('td', { class: 'num' }, seconds ? t.seconds(get(r)) : String(get(r) ?? 0)))))))),
    h('p', { class: 'muted small' }, t.sideBySideNote));
}

// Each load has a number: an answer that comes back after a newer load started (a quick change of period) is dropped.
let loadNumber = 0;
async function load() {
  const mine = ++loadNumber;
  renderControls();
  const p = period();
  const from = iso(p.from), to = iso(p.to);
  if (state.mode === 'custom') { els.fromInput.value = from; els.toInput.value = to; }
  els.csv.href = withProject(`/api/statistics/export.csv?from=${from}&to=${to}`);
  els.title.textContent = (p.week ? `${t.week} ${p.week.split('-W')[1]} · ` : '') + t.periodOf(fmt(from), fmt(to));
  els.body.setAttribute('aria-busy', 'true');
  try {
    const reportUrl = p.week ? `/api/statistics/weekly?week=${p.week}&lang=${lang}` : `/api/statistics?from=${from}&to=${to}&lang=${lang}`;
    const [report, trend, heat, experts, perProject] = await Promise.all([
      getJson(withProject(reportUrl)), getJson(withProject(`/api/statistics/trend?week=${isoWeek(p.to)}&weeks=12`)),
      getJson(withProject(`/api/statistics/heatmap?from=${from}&to=${to}`)), getJson(withProject(`/api/statistics/experts?from=${from}&to=${to}`)), sideBySide(reportUrl)]);
    if (mine !== loadNumber) return;
    const c = report.chat;
    fill(els.body,
      h('div', { class: 'cards' },
        card(t.contacts, report.contacts), card(t.requests, c.requests), card(t.answered, c.answered),
        card(t.abandoned, c.abandoned), card(t.closedRequests, c.requestsWhileClosed),
        card(t.medianWait, t.seconds(c.medianWaitSeconds)), card(t.p90Wait, t.seconds(c.p90WaitSeconds)),
        card(t.formsMissing, c.formsMissing), card(t.blocked, c.blocked),
        c.overflow?.out ? card(t.overflowOut, c.overflow.out) : null, c.overflow?.in ? card(t.overflowIn, c.overflow.in) : null),
      report.contacts === 0 ? h('p', { class: 'muted' }, t.noData) : null,
      perProject,
      h('div', { class: 'tables' }, Object.entries(report.tables).map(([k, tb]) => table(k, tb))),
      feedbackSection(report.feedback),
      triageSection(report.triage),
      mailboxSection(report.mailbox),
      trendChart(trend), heatMap(heat), workload(experts));
    sizeBars();
  } catch {
    if (mine === loadNumber) els.body.replaceChildren(h('p', { class: 'error', role: 'alert' }, t.failed));
  } finally {
    if (mine === loadNumber) els.body.removeAttribute('aria-busy');
  }
}

// The caller's projects first: a coordinator of several gets a project picker.
getJson('/api/projects').then((p) => { projects = Array.isArray(p) ? p : []; }).catch(() => {}).finally(() => {
  layout();
  load();
  loadLive();
  setInterval(loadLive, 15000);
});
