// Two-factor set-up: link an authenticator app (QR drawn by the server, or the key typed by hand), confirm with a
// code, and see the recovery codes once. With two-factor on: how many recovery codes are left, and switching it off.
import { h, fill } from './dom.js';
import { twoFactorTexts } from './i18n.js';

const root = document.getElementById('two-factor');
const lang = root.dataset.lang === 'en' ? 'en' : 'nl';
const t = twoFactorTexts[lang];

const heading = h('h1', { tabindex: '-1' }, t.title);
const status = h('p', { class: 'status-line', role: 'status', 'aria-live': 'polite' });
const body = h('div', { class: 'tfa-body' });
const back = h('a', { class: 'secondary button', href: '/console' }, t.back);

async function call(method, url, data) {
  const r = await fetch(url, { method, credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: data ? JSON.stringify(data) : undefined });
  if (r.status === 401) { location.href = '/console/login?returnUrl=/console/two-factor'; throw new Error('signed out'); }
  const json = r.status === 204 ? null : await r.json().catch(() => null);
  if (!r.ok) {
    const detail = json?.errors ? Object.values(json.errors).flat().join(' ') : json?.detail || json?.title;
    throw Object.assign(new Error(detail || t.failed), { status: r.status });
  }
  return json;
}

function say(text, error = false) { status.textContent = text; status.classList.toggle('error', error); }

// "JBSW Y3DP EHPK 3PXP": groups of four are easier to copy by hand; apps ignore the spaces.
const grouped = (secret) => secret.match(/.{1,4}/g).join(' ');

/** A one-field form with its own error line, tied to the field for screen readers. */
function codeForm({ id, label, hint, button, buttonClass, numeric, missing, submit }) {
  const input = h('input', {
    id, name: 'code', autocomplete: 'one-time-code', inputmode: numeric ? 'numeric' : null, spellcheck: 'false',
    autocapitalize: 'off', 'aria-describedby': hint ? `${id}-hint` : null, class: 'tfa-code-input',
  });
  const error = h('p', { class: 'field-error', id: `${id}-error`, hidden: true });
  const send = h('button', { type: 'submit', class: buttonClass }, button);
  const showError = (text) => {
    error.textContent = text; error.hidden = false;
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', [hint ? `${id}-hint` : null, `${id}-error`].filter(Boolean).join(' '));
    input.focus(); input.select();
  };
  const form = h('form', {
    class: 'tfa-form', novalidate: true,
    onsubmit: async (e) => {
      e.preventDefault();
      if (!input.value.trim()) { showError(missing); return; }
      send.disabled = true;
      try { await submit(input.value.trim()); }
      catch (err) { if (err.status === 400) showError(err.message); else say(err.message, true); }
      finally { send.disabled = false; }
    }
  },
  h('label', { for: id }, label),
  hint ? h('p', { class: 'muted small', id: `${id}-hint` }, hint) : null,
  input, error, send);
  return { form, input };
}

async function showSetup(state) {
  const setup = await call('POST', '/api/auth/two-factor/setup');
  const qr = h('img', {
    class: 'tfa-qr', alt: t.qrAlt, width: 220, height: 220,
    src: 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(setup.qrSvg)
  });
  const { form } = codeForm({
    id: 'tfa-code', label: t.code, hint: t.codeHint, button: t.enable, buttonClass: 'primary', numeric: true, missing: t.missing,
    submit: async (code) => showCodes((await call('POST', '/api/auth/two-factor/enable', { code })).recoveryCodes)
  });
  fill(body,
    h('p', { class: 'intro' }, t.intro),
    state.required ? h('p', { class: 'notice warn tfa-required' }, t.required) : null,
    h('section', { class: 'tfa-step', 'aria-labelledby': 'tfa-step1' },
      h('h2', { id: 'tfa-step1' }, t.step1),
      h('p', {}, t.scan),
      qr,
      h('p', {}, t.manual),
      h('p', {}, h('code', { class: 'tfa-secret', id: 'tfa-secret', dataset: { secret: setup.secret } }, grouped(setup.secret)))),
    h('section', { class: 'tfa-step', 'aria-labelledby': 'tfa-step2' },
      h('h2', { id: 'tfa-step2' }, t.step2),
      form));
  back.hidden = state.required;
}

function showCodes(codes) {
  const codesHeading = h('h2', { id: 'tfa-codes-title', tabindex: '-1' }, t.codesTitle);
  const copy = async () => {
    try { await navigator.clipboard.writeText(codes.join('\n')); say(t.copied); }
    catch { say(t.copyFailed, true); }
  };
  fill(body,
    h('section', { class: 'tfa-step tfa-codes', 'aria-labelledby': 'tfa-codes-title' },
      codesHeading,
      h('p', { class: 'notice warn tfa-keep' }, h('strong', {}, t.keepCodes)),
      h('ol', { class: 'tfa-code-list' }, codes.map((c) => h('li', {}, h('code', {}, c)))),
      h('div', { class: 'tfa-actions no-print' },
        h('button', { type: 'button', class: 'secondary', onclick: copy }, t.copy),
        h('button', { type: 'button', class: 'secondary', onclick: () => window.print() }, t.print),
        h('a', { class: 'primary button', href: '/console' }, t.done))));
  back.hidden = false;
  say(t.turnedOn);
  codesHeading.focus();
}

function showEnabled(state) {
  const { form } = codeForm({
    id: 'tfa-disable-code', label: t.disableCode, button: t.disable, buttonClass: 'danger', numeric: false, missing: t.disableMissing,
    submit: async (code) => {
      await call('POST', '/api/auth/two-factor/disable', { code });
      await load();
      say(t.disabled);
      heading.focus();
    }
  });
  fill(body,
    h('p', { class: 'intro' }, t.isOn),
    h('p', {}, t.codesLeft(state.recoveryCodesLeft), state.recoveryCodesLeft <= 3 ? ' ' + t.fewLeft : null),
    h('section', { class: 'tfa-step', 'aria-labelledby': 'tfa-disable-title' },
      h('h2', { id: 'tfa-disable-title' }, t.disableTitle),
      h('p', { class: 'muted' }, t.disableIntro),
      form));
  back.hidden = false;
}

async function load() {
  const state = await call('GET', '/api/auth/two-factor');
  if (state.enabled) showEnabled(state);
  else await showSetup(state);
}

fill(root,
  h('header', { class: 'bar no-print' }, h('div', { class: 'bar-left' }, h('strong', { class: 'product' }, t.title)),
    h('nav', { class: 'bar-right' }, back,
      h('button', { type: 'button', class: 'link', onclick: () => document.getElementById('logout-form').submit() }, t.signOut))),
  h('main', { class: 'stats-main tfa-main' }, heading, status, body));
load().catch((e) => say(e.message, true));
