// The roster: a week (Monday to Sunday, in the project's time zone) with the planned shifts of every expert.
// Coordinators add shifts (optionally repeated weekly) and delete one or the rest of a series; experts read it and
// see their own next shifts. Planning never opens the chat by itself: an expert on shift does.
import { h, fill } from './dom.js';

const ZONE = 'Europe/Amsterdam';
const root = document.getElementById('roster');
const lang = root.dataset.lang === 'en' ? 'en' : 'nl';
const coordinator = root.dataset.coordinator === 'true';
const locale = lang === 'en' ? 'en-GB' : 'nl-NL';
const t = {
  nl: {
    title: 'Rooster', back: 'Terug naar de console', prev: 'Vorige week', next: 'Volgende week', thisWeek: 'Deze week',
    week: (n, from, to) => `Week ${n} · ${from} – ${to}`, closed: 'Gesloten', open: (hours) => `Open ${hours}`,
    intro: 'De chat is open zolang er iemand echt in dienst is. Het rooster vertelt bezoekers wanneer ze terug kunnen komen.',
    mine: 'Jouw volgende diensten', noneMine: 'Je hebt de komende vijf weken geen diensten.', you: 'jij',
    add: 'Dienst toevoegen', expert: 'Ervaringsdeskundige', day: 'Dag', from: 'Van', to: 'Tot', repeat: 'Elke week herhalen, aantal weken erna',
    repeatHelp: '0 = alleen deze dag. Herhalingen houden dezelfde klokuren, ook na de overgang naar zomer- of wintertijd.',
    overnight: 'Tot ligt voor Van: de dienst loopt door tot de volgende dag.',
    save: 'Inplannen', added: (n) => n === 0 ? 'De dienst is ingepland.' : `De dienst is ingepland, en ${n} ${n === 1 ? 'week' : 'weken'} erna.`,
    remove: 'Verwijderen', removeLabel: (s) => `Verwijderen: dienst ${s}`, removeTitle: 'Dienst verwijderen',
    removeOne: 'Alleen deze dienst', removeSeries: 'Deze en de volgende van de reeks', cancel: 'Annuleren',
    confirmOne: 'Wil je deze dienst verwijderen?', series: 'herhaalt wekelijks',
    removed: (n) => n === 1 ? 'De dienst is verwijderd.' : `${n} diensten zijn verwijderd.`, gone: 'Deze dienst was al verwijderd.',
    failed: 'Dat lukte niet.', loading: 'Rooster laden…', shiftsOf: (day) => `Diensten op ${day}`
  },
  en: {
    title: 'Roster', back: 'Back to the console', prev: 'Previous week', next: 'Next week', thisWeek: 'This week',
    week: (n, from, to) => `Week ${n} · ${from} – ${to}`, closed: 'Closed', open: (hours) => `Open ${hours}`,
    intro: 'The chat is open while somebody is really on shift. The roster tells visitors when they can come back.',
    mine: 'Your next shifts', noneMine: 'You have no shifts in the next five weeks.', you: 'you',
    add: 'Add a shift', expert: 'Expert', day: 'Day', from: 'From', to: 'Until', repeat: 'Repeat weekly, number of weeks after',
    repeatHelp: '0 = this day only. Repeats keep the same clock times, also after the change to summer or winter time.',
    overnight: 'Until is before From: the shift runs on into the next day.',
    save: 'Plan', added: (n) => n === 0 ? 'The shift is planned.' : `The shift is planned, and ${n} ${n === 1 ? 'week' : 'weeks'} after.`,
    remove: 'Delete', removeLabel: (s) => `Delete: shift ${s}`, removeTitle: 'Delete shift',
    removeOne: 'Only this shift', removeSeries: 'This one and the next of the series', cancel: 'Cancel',
    confirmOne: 'Do you want to delete this shift?', series: 'repeats weekly',
    removed: (n) => n === 1 ? 'The shift was deleted.' : `${n} shifts were deleted.`, gone: 'This shift had already been deleted.',
    failed: 'That did not work.', loading: 'Loading the roster…', shiftsOf: (day) => `Shifts on ${day}`
  }
}[lang];

// ---- dates in the project's zone (days are 'YYYY-MM-DD' strings; arithmetic on UTC midnights) ----------------------

const parts = (date, opts) => Object.fromEntries(new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, hourCycle: 'h23', ...opts })
  .formatToParts(date).filter((p) => p.type !== 'literal').map((p) => [p.type, p.value]));
const localDay = (date) => { const p = parts(date, { year: 'numeric', month: '2-digit', day: '2-digit' }); return `${p.year}-${p.month}-${p.day}`; };
const localTime = (date) => { const p = parts(date, { hour: '2-digit', minute: '2-digit' }); return `${p.hour}:${p.minute}`; };
const utcDay = (day) => new Date(`${day}T00:00:00Z`);
const addDays = (day, n) => new Date(utcDay(day).getTime() + n * 86400000).toISOString().slice(0, 10);
const mondayOf = (day) => addDays(day, -((utcDay(day).getUTCDay() + 6) % 7));
const capital = (s) => s.charAt(0).toLocaleUpperCase() + s.slice(1);
const dayName = (day, opts) => capital(utcDay(day).toLocaleDateString(locale, { timeZone: 'UTC', ...opts }));
const isoWeek = (monday) => {
  const thursday = utcDay(addDays(monday, 3));
  const jan1 = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  return Math.floor((thursday - jan1) / 86400000 / 7) + 1;
};

// Minutes the zone is ahead of UTC at an instant.
function zoneOffset(ms) {
  const p = parts(new Date(ms), { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  return Math.round((Date.UTC(+p.year, p.month - 1, +p.day, +p.hour, +p.minute, +p.second) - ms) / 60000);
}

// A local day and clock time in the zone as an instant with its offset: '2026-12-03T19:00:00+01:00'.
function instant(day, time) {
  const wall = Date.parse(`${day}T${time}:00Z`);
  let offset = zoneOffset(wall);
  offset = zoneOffset(wall - offset * 60000);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${day}T${time}:00${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

// ---- state and loading --------------------------------------------------------------------------

const today = localDay(new Date());
const state = { monday: mondayOf(today), experts: [], colours: new Map() };
const heading = h('h1', { tabindex: '-1' }, t.title);
const weekTitle = h('h2', { class: 'week-title', id: 'week-title' });
const status = h('p', { class: 'status-line', role: 'status', 'aria-live': 'polite' });
const grid = h('div', { class: 'week', 'aria-busy': 'true' }, t.loading);
const mineBox = h('section', { class: 'table-block mine', 'aria-labelledby': 'mine-title', hidden: true });
const dialog = h('dialog', { class: 'remove-dialog', 'aria-labelledby': 'remove-title' });

async function call(method, url, body) {
  const r = await fetch(url, { method, credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
  if (r.status === 401) { location.href = '/console/login?returnUrl=/console/roster'; throw new Error('signed out'); }
  const data = r.status === 204 ? null : await r.json().catch(() => null);
  if (!r.ok) throw Object.assign(new Error(data?.errors ? Object.values(data.errors).flat().join(' ') : data?.title || t.failed),
    { status: r.status, errors: data?.errors });
  return data;
}

function say(text, error = false) { status.textContent = text; status.classList.toggle('error', error); }

// Each expert keeps one colour on the page (with the name always written out: colour is never the only cue).
function colour(name) {
  if (!state.colours.has(name)) state.colours.set(name, state.colours.size % 6);
  return state.colours.get(name);
}

const hoursOf = (s) => `${localTime(new Date(s.start))}–${localTime(new Date(s.end))}`;

// The day's opening hours: its shifts merged where they overlap or follow on.
function merged(shifts) {
  const blocks = [];
  for (const s of [...shifts].sort((a, b) => Date.parse(a.start) - Date.parse(b.start))) {
    const last = blocks[blocks.length - 1];
    if (last && Date.parse(s.start) <= Date.parse(last.end)) { if (Date.parse(s.end) > Date.parse(last.end)) last.end = s.end; }
    else blocks.push({ start: s.start, end: s.end });
  }
  return blocks.map(hoursOf).join(', ');
}

async function loadWeek(focusHeading = false) {
  const sunday = addDays(state.monday, 6);
  weekTitle.textContent = t.week(isoWeek(state.monday), dayName(state.monday, { day: 'numeric', month: 'long' }),
    dayName(sunday, { day: 'numeric', month: 'long', year: 'numeric' }));
  grid.setAttribute('aria-busy', 'true');
  let shifts;
  try { shifts = await call('GET', `/api/roster?from=${state.monday}&to=${sunday}`); }
  catch (e) { say(e.message, true); return; }
  const byDay = new Map([...Array(7).keys()].map((i) => [addDays(state.monday, i), []]));
  for (const s of shifts) byDay.get(localDay(new Date(s.start)))?.push(s);
  fill(grid, [...byDay].map(([day, list]) => {
    const label = dayName(day, { weekday: 'long', day: 'numeric', month: 'short' });
    return h('section', { class: 'day' + (day === today ? ' today' : '') + (list.length ? '' : ' closed'), 'aria-label': label },
      h('h3', {}, label),
      h('p', { class: 'day-hours' }, list.length ? t.open(merged(list)) : t.closed),
      list.length ? h('ul', { class: 'shifts', 'aria-label': t.shiftsOf(label) }, list.map((s) => shiftItem(s, label))) : null);
  }));
  grid.setAttribute('aria-busy', 'false');
  if (focusHeading) weekTitle.focus();
}

function shiftItem(s, dayLabel) {
  const text = `${s.displayName}${s.mine ? ` (${t.you})` : ''}, ${dayLabel} ${hoursOf(s)}`;
  return h('li', { class: `shift c${colour(s.displayName)}${s.mine ? ' own' : ''}` },
    h('span', { class: 'shift-time' }, hoursOf(s)),
    h('span', { class: 'shift-name' }, s.displayName, s.mine ? ` (${t.you})` : ''),
    s.seriesId ? h('span', { class: 'shift-series muted small' }, t.series) : null,
    coordinator ? h('button', { type: 'button', class: 'link small remove', 'aria-label': t.removeLabel(text), onclick: (e) => remove(s, text, e.currentTarget) }, t.remove) : null);
}

async function loadMine() {
  const to = addDays(today, 34);
  try {
    const now = Date.now();
    const mine = (await call('GET', `/api/roster?from=${today}&to=${to}`)).filter((s) => s.mine && Date.parse(s.end) > now).slice(0, 6);
    // Coordinators who do not take shifts themselves do not need the box.
    mineBox.hidden = coordinator && mine.length === 0;
    fill(mineBox, h('h2', { id: 'mine-title' }, t.mine),
      mine.length === 0 ? h('p', { class: 'muted' }, t.noneMine)
        : h('ul', { class: 'mine-list' }, mine.map((s) => h('li', {},
            h('time', { datetime: s.start }, dayName(localDay(new Date(s.start)), { weekday: 'long', day: 'numeric', month: 'long' })),
            ' ', hoursOf(s)))));
  } catch { /* the week view says when loading fails */ }
}

// ---- deleting -----------------------------------------------------------------------------------

function remove(s, text, button) {
  const done = async (series) => {
    dialog.close();
    try {
      const r = await call('DELETE', `/api/roster/${s.id}${series ? '?series=true' : ''}`);
      say(t.removed(r.deleted.length));
    } catch (e) {
      if (e.status === 404) say(t.gone); else { say(e.message, true); return; }
    }
    await Promise.all([loadWeek(), loadMine()]);
    weekTitle.focus();
  };
  fill(dialog,
    h('h2', { id: 'remove-title' }, t.removeTitle),
    h('p', {}, text, s.seriesId ? ` · ${t.series}` : ''),
    h('p', {}, t.confirmOne),
    h('div', { class: 'dialog-actions' },
      h('button', { type: 'button', class: 'danger', onclick: () => done(false) }, t.removeOne),
      s.seriesId ? h('button', { type: 'button', class: 'danger', onclick: () => done(true) }, t.removeSeries) : null,
      h('button', { type: 'button', class: 'secondary', autofocus: true, onclick: () => dialog.close() }, t.cancel)));
  // Closing without deleting (Annuleren or Esc) gives focus back to the button that opened the dialog.
  dialog.onclose = () => { if (button.isConnected) button.focus(); };
  dialog.showModal();
}

// ---- adding (coordinators) ----------------------------------------------------------------------

function field(id, label, input, help) {
  return h('div', { class: 'field' }, h('label', { for: id }, label), input,
    help ? h('p', { class: 'muted small', id: `${id}-help` }, help) : null, h('p', { class: 'field-error', id: `${id}-error` }));
}

function addForm() {
  const expert = h('select', { id: 'r-expert', required: true });
  const day = h('input', { id: 'r-day', type: 'date', required: true, value: today });
  const from = h('input', { id: 'r-from', type: 'time', required: true, value: '19:00', step: 900 });
  const to = h('input', { id: 'r-to', type: 'time', required: true, value: '22:00', step: 900 });
  const repeat = h('input', { id: 'r-repeat', type: 'number', min: 0, max: 26, value: '0', inputmode: 'numeric', 'aria-describedby': 'r-repeat-help' });
  const overnight = h('p', { class: 'muted small', hidden: true }, t.overnight);
  const check = () => { overnight.hidden = !(from.value && to.value && to.value <= from.value); };
  from.addEventListener('input', check);
  to.addEventListener('input', check);
  const fields = { userName: expert, start: day, end: to, repeatWeeks: repeat };
  const f = h('form', { class: 'table-block add-shift', novalidate: true, 'aria-labelledby': 'add-title' },
    h('h2', { id: 'add-title' }, t.add),
    field('r-expert', t.expert, expert), field('r-day', t.day, day), field('r-from', t.from, from), field('r-to', t.to, to),
    field('r-repeat', t.repeat, repeat, t.repeatHelp), overnight,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary' }, t.save)));
  f.addEventListener('submit', async (e) => {
    e.preventDefault();
    for (const el of Object.values(fields)) { el.removeAttribute('aria-invalid'); document.getElementById(`${el.id}-error`).textContent = ''; }
    const endDay = to.value && from.value && to.value <= from.value ? addDays(day.value, 1) : day.value;
    try {
      const r = await call('POST', '/api/roster', {
        userName: expert.value, start: day.value && from.value ? instant(day.value, from.value) : '',
        end: day.value && to.value ? instant(endDay, to.value) : '', repeatWeeks: Number(repeat.value || 0)
      });
      say(t.added(r.copies.length));
      state.monday = mondayOf(day.value);
      await Promise.all([loadWeek(), loadMine()]);
    } catch (err) {
      say(err.message, true);
      let first = null;
      for (const [name, messages] of Object.entries(err.errors || {})) {
        const el = fields[name];
        if (!el) continue;
        el.setAttribute('aria-invalid', 'true');
        el.setAttribute('aria-describedby', [el.id === 'r-repeat' ? 'r-repeat-help' : null, `${el.id}-error`].filter(Boolean).join(' '));
        document.getElementById(`${el.id}-error`).textContent = messages.join(' ');
        first ??= el;
      }
      first?.focus();
    }
  });
  call('GET', '/api/accounts').then((accounts) => {
    state.experts = accounts.filter((a) => !a.disabled);
    fill(expert, state.experts.map((a) => h('option', { value: a.userName }, `${a.displayName} (${a.userName})`)));
  }).catch((e) => say(e.message, true));
  return f;
}

// ---- page ---------------------------------------------------------------------------------------

const go = (days) => { state.monday = days === 0 ? mondayOf(today) : addDays(state.monday, days); loadWeek(); };
weekTitle.tabIndex = -1;
fill(root,
  h('header', { class: 'bar no-print' }, h('div', { class: 'bar-left' }, h('strong', { class: 'product' }, t.title)),
    h('nav', { class: 'bar-right' }, h('a', { href: '/console' }, t.back))),
  h('main', { class: 'stats-main roster-main' }, heading, h('p', { class: 'muted intro' }, t.intro), status,
    mineBox,
    h('div', { class: 'week-nav' },
      h('button', { type: 'button', class: 'secondary', onclick: () => go(-7) }, '‹ ', t.prev),
      h('button', { type: 'button', class: 'secondary', onclick: () => go(0) }, t.thisWeek),
      h('button', { type: 'button', class: 'secondary', onclick: () => go(7) }, t.next, ' ›')),
    weekTitle, grid,
    coordinator ? addForm() : null),
  dialog);
loadWeek();
loadMine();
