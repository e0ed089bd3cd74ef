// Change your own password: the current one, then the new one twice. Other sessions of the account end.
// Below it, "Waar ben je ingelogd": the account's sessions (browser and system, times to the hour), each ended on its
// own or all but this one (GET /api/auth/sessions, DELETE /api/auth/sessions/{id}, POST /api/auth/sessions/end-others).
import { h, fill, hourSpan } from './dom.js';

const root = document.getElementById('password');
const lang = root.dataset.lang === 'en' ? 'en' : 'nl';
const t = {
  nl: {
    title: 'Wachtwoord wijzigen', back: 'Terug naar de console', current: 'Huidig wachtwoord', next: 'Nieuw wachtwoord',
    again: 'Nieuw wachtwoord nog een keer', save: 'Wachtwoord wijzigen',
    hint: 'Minstens 12 tekens en moeilijk te raden: niet je gebruikersnaam, geen bekend wachtwoord, geen dag, maand, seizoen of jaartal. Een zin of drie, vier losse woorden die niet bij elkaar horen werkt goed (hoofdletters en cijfers zijn niet nodig). Je wordt op je andere apparaten uitgelogd.',
    mismatch: 'De twee nieuwe wachtwoorden zijn niet gelijk.', done: 'Je wachtwoord is gewijzigd. Op andere apparaten ben je uitgelogd.',
    failed: 'Dat lukte niet.',
    first: 'Je eerste wachtwoord is gekozen door de beheerder die je account maakte. Kies nu een eigen wachtwoord; daarna kun je verder.',
    goOn: 'Verder',
    sessions: 'Waar ben je ingelogd', scrolls: 'Waar ben je ingelogd (schuift opzij op een smal scherm)',
    sessionsIntro: 'Hier zie je op welke apparaten je nu bent ingelogd. Herken je er een niet, log daar dan uit en wijzig je wachtwoord.',
    client: 'Apparaat', since: 'Ingelogd sinds', lastSeen: 'Laatst actief', action: 'Actie', thisDevice: 'Dit apparaat',
    end: 'Uitloggen', endLabel: (client, since) => `Uitloggen op ${client}, ingelogd sinds ${since}`,
    endOthers: 'Overal anders uitloggen', within: (d, from, to) => `${d}, tussen ${from} en ${to}`,
    ended: 'Je bent daar uitgelogd.', endedOthers: 'Je bent op al je andere apparaten uitgelogd.',
    gone: 'Daar was je al uitgelogd.', none: 'Je bent nergens anders ingelogd.'
  },
  en: {
    title: 'Change password', back: 'Back to the console', current: 'Current password', next: 'New password',
    again: 'New password again', save: 'Change password',
    hint: 'At least 12 characters and hard to guess: not your user name, not a well-known password, no day, month, season or year. A sentence or three, four unrelated words work well (capitals and digits are not needed). You are signed out on your other devices.',
    mismatch: 'The two new passwords are not the same.', done: 'Your password has been changed. You are signed out on other devices.',
    failed: 'That did not work.',
    first: 'Your first password was chosen by the administrator who made your account. Choose your own now; then you can go on.',
    goOn: 'Go on',
    sessions: 'Where you are signed in', scrolls: 'Where you are signed in (scrolls sideways on a narrow screen)',
    sessionsIntro: 'These are the devices where you are signed in now. If you do not recognise one, sign out there and change your password.',
    client: 'Device', since: 'Signed in since', lastSeen: 'Last active', action: 'Action', thisDevice: 'This device',
    end: 'Sign out', endLabel: (client, since) => `Sign out on ${client}, signed in since ${since}`,
    endOthers: 'Sign out everywhere else', within: (d, from, to) => `${d}, between ${from} and ${to}`,
    ended: 'You have been signed out there.', endedOthers: 'You have been signed out on all your other devices.',
    gone: 'You were already signed out there.', none: 'You are not signed in anywhere else.'
  }
}[lang];

const field = (id, label, autocomplete) => {
  const input = h('input', { id, type: 'password', required: true, autocomplete, 'aria-describedby': 'err-' + id });
  return { input, el: h('div', { class: 'field' }, h('label', { for: id }, label), input, h('span', { class: 'error', id: 'err-' + id, role: 'alert' })) };
};
const current = field('currentPassword', t.current, 'current-password');
const next = field('newPassword', t.next, 'new-password');
const again = field('newPasswordAgain', t.again, 'new-password');
const status = h('p', { class: 'status-line', role: 'status', 'aria-live': 'polite' });
// Shown while the account must still choose its own password (an administrator set the first one).
const first = h('p', { class: 'notice first-password', id: 'first-password', hidden: true }, t.first);
// After that change: on to the console page first asked for (this console's pages only).
const asked = new URLSearchParams(location.search).get('returnUrl');
const goOn = h('a', { class: 'button primary', id: 'go-on', hidden: true,
  href: asked && /^\/console(\/|$|\?)/.test(asked) && !asked.startsWith('/console/password') ? asked : '/console' }, t.goOn);

function showErrors(errors) {
  for (const f of [current, next, again]) {
    const msg = errors[f.input.id] ?? [];
    f.el.querySelector('.error').textContent = msg.join(' ');
    f.input.setAttribute('aria-invalid', msg.length ? 'true' : 'false');
  }
  const first = [current, next, again].find((f) => errors[f.input.id]?.length);
  first?.input.focus();
}

async function submit(e) {
  e.preventDefault();
  status.textContent = '';
  if (next.input.value !== again.input.value) { showErrors({ newPasswordAgain: [t.mismatch] }); return; }
  const r = await fetch('/api/auth/password', {
    method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ currentPassword: current.input.value, newPassword: next.input.value })
  });
  if (r.status === 401) { location.href = '/console/login?returnUrl=/console/password'; return; }
  if (r.status === 204) {
    showErrors({});
    for (const f of [current, next, again]) f.input.value = '';
    status.textContent = t.done;
    if (!first.hidden) goOn.hidden = false;
    first.hidden = true;
    current.input.setAttribute('aria-describedby', 'err-currentPassword');
    await loadSessions().catch(() => {});
    return;
  }
  const data = await r.json().catch(() => null);
  if (data?.errors) showErrors(data.errors); else status.textContent = data?.title || t.failed;
}

// ---- Waar ben je ingelogd ------------------------------------------------------------------------------------------

const locale = lang === 'en' ? 'en-GB' : 'nl-NL';
const sessionsHeading = h('h2', { id: 'sessions-title', tabindex: '-1' }, t.sessions);
const sessionsStatus = h('p', { class: 'status-line', role: 'status', 'aria-live': 'polite' });
const sessionsList = h('div', {});
const endOthersButton = h('button', { type: 'button', class: 'secondary', onclick: endOthers }, t.endOthers);

// The server gives times cut down to the hour: "do 3 dec, tussen 14:00 en 15:00".
const when = (iso) => {
  const d = new Date(iso);
  return t.within(d.toLocaleDateString(locale, { weekday: 'short', day: 'numeric', month: 'short' }), ...hourSpan(d, locale));
};

function say(text, error = false) { sessionsStatus.textContent = text; sessionsStatus.classList.toggle('error', error); }

async function call(method, url) {
  const r = await fetch(url, { method, credentials: 'same-origin', headers: { 'Content-Type': 'application/json' } });
  if (r.status === 401) { location.href = '/console/login?returnUrl=/console/password'; throw new Error('signed out'); }
  if (!r.ok && r.status !== 404) throw new Error(t.failed);
  return r;
}

async function endOne(s, index) {
  try {
    const r = await call('DELETE', `/api/auth/sessions/${encodeURIComponent(s.id)}`);
    say(r.status === 404 ? t.gone : t.ended);
  } catch (e) { say(e.message, true); return; }
  await loadSessions();
  // The row and its button are gone: focus the next row's button, or the heading when none is left.
  const buttons = sessionsList.querySelectorAll('button.end-session');
  (buttons[Math.min(index, buttons.length - 1)] || sessionsHeading).focus();
}

async function endOthers() {
  try {
    await call('POST', '/api/auth/sessions/end-others');
    say(t.endedOthers);
  } catch (e) { say(e.message, true); return; }
  await loadSessions();
  sessionsHeading.focus();
}

async function loadSessions() {
  const r = await call('GET', '/api/auth/sessions');
  const sessions = await r.json();
  const others = sessions.filter((s) => !s.current);
  endOthersButton.hidden = others.length === 0;
  let i = 0;
  // On a phone the table scrolls sideways in its own labelled box, never the page.
  fill(sessionsList,
    h('div', { class: 'table-scroll', role: 'region', tabindex: '0', 'aria-label': t.scrolls },
    h('table', { class: 'report-table sessions-table' },
      h('thead', {}, h('tr', {}, [t.client, t.since, t.lastSeen, t.action].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, sessions.map((s) => {
        const index = s.current ? -1 : i++;
        return h('tr', {},
          h('th', { scope: 'row' }, s.client),
          h('td', {}, h('time', { datetime: s.createdAt }, when(s.createdAt))),
          h('td', {}, h('time', { datetime: s.lastSeenAt }, when(s.lastSeenAt))),
          h('td', {}, s.current ? h('strong', {}, t.thisDevice)
            : h('button', { type: 'button', class: 'secondary small end-session', 'aria-label': t.endLabel(s.client, when(s.createdAt)),
              onclick: () => endOne(s, index) }, t.end)));
      })))),
    others.length === 0 ? h('p', { class: 'empty-list' }, t.none) : null);
}

document.title = t.title;
root.replaceChildren(
  h('header', { class: 'bar' }, h('div', { class: 'bar-left' }, h('strong', { class: 'product' }, t.title)),
    h('nav', { class: 'bar-right' }, h('a', { href: '/console' }, t.back))),
  h('main', { class: 'stats-main' },
    h('h1', {}, t.title),
    first,
    h('form', { class: 'password-form', novalidate: true, onsubmit: submit },
      h('p', { class: 'muted' }, t.hint), current.el, next.el, again.el,
      h('button', { type: 'submit', class: 'primary' }, t.save)),
    status, goOn,
    h('section', { class: 'sessions', 'aria-labelledby': 'sessions-title' },
      sessionsHeading, h('p', { class: 'muted' }, t.sessionsIntro), sessionsList, endOthersButton, sessionsStatus)));
current.input.focus();
fetch('/api/auth/me', { credentials: 'same-origin' }).then((r) => (r.ok ? r.json() : null))
  .then((me) => {
    if (!me?.passwordChangeRequired) return;
    // Said with the first field (it has the focus): a screen reader hears why, and only when it is so.
    first.hidden = false;
    current.input.setAttribute('aria-describedby', 'first-password err-currentPassword');
  }).catch(() => {});
loadSessions().catch((e) => say(e.message, true));
