// Change your own password: the current one, then the new one twice. Other sessions of the account end.
import { h } from './dom.js';

const root = document.getElementById('password');
const lang = root.dataset.lang === 'en' ? 'en' : 'nl';
const t = {
  nl: {
    title: 'Wachtwoord wijzigen', back: 'Terug naar de console', current: 'Huidig wachtwoord', next: 'Nieuw wachtwoord',
    again: 'Nieuw wachtwoord nog een keer', save: 'Wachtwoord wijzigen',
    hint: 'Minstens 12 tekens en moeilijk te raden: niet je gebruikersnaam, geen bekend wachtwoord, geen dag, maand, seizoen of jaartal. Een zin of drie, vier losse woorden die niet bij elkaar horen werkt goed (hoofdletters en cijfers zijn niet nodig). Je wordt op je andere apparaten uitgelogd.',
    mismatch: 'De twee nieuwe wachtwoorden zijn niet gelijk.', done: 'Je wachtwoord is gewijzigd. Op andere apparaten ben je uitgelogd.',
    failed: 'Dat lukte niet.'
  },
  en: {
    title: 'Change password', back: 'Back to the console', current: 'Current password', next: 'New password',
    again: 'New password again', save: 'Change password',
    hint: 'At least 12 characters and hard to guess: not your user name, not a well-known password, no day, month, season or year. A sentence or three, four unrelated words work well (capitals and digits are not needed). You are signed out on your other devices.',
    mismatch: 'The two new passwords are not the same.', done: 'Your password has been changed. You are signed out on other devices.',
    failed: 'That did not work.'
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
    return;
  }
  const data = await r.json().catch(() => null);
  if (data?.errors) showErrors(data.errors); else status.textContent = data?.title || t.failed;
}

document.title = t.title;
root.replaceChildren(
  h('header', { class: 'bar' }, h('div', { class: 'bar-left' }, h('strong', { class: 'product' }, t.title)),
    h('nav', { class: 'bar-right' }, h('a', { href: '/console' }, t.back))),
  h('main', { class: 'stats-main' },
    h('h1', {}, t.title),
    h('form', { class: 'password-form', novalidate: true, onsubmit: submit },
      h('p', { class: 'muted' }, t.hint), current.el, next.el, again.el,
      h('button', { type: 'submit', class: 'primary' }, t.save)),
    status));
current.input.focus();
