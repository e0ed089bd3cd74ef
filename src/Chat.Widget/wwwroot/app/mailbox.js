// The anonymous mailbox (brievenbus): leave a message when the chat is closed (or any time from the start screen), get
// a code, later read the answers, write again or delete everything. The code lives in this module's memory only: never
// in sessionStorage, the title, the URL or a history entry; quick exit (forgetMailbox) and "Sluiten" wipe it.
// Every text is set with textContent; every call takes the code in a JSON body.
import { followUpDone } from './feedback.js';
import { radio, show } from './screens.js';
import { refreshStatus, startChatWithCode } from './start.js';
import { $, params, state, t } from './state.js';

let code = null;          // the code of the conversation on screen, while it is on screen
let view = null;          // 'write' | 'code' | 'enter' | 'thread'
let thread = null;        // the last answer of /api/mailbox/open or /write
let issued = null;        // { code, answerExpected } right after sending, shown once
let letterError = '';     // what is wrong with the letter itself (empty, too long), shown under its box
let notice = '';          // a line for the visitor (sent, error), announced politely

const m = () => t().mailbox;

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === 'text') e.textContent = v;
    else if (k === 'on') for (const [ev, fn] of Object.entries(v)) e.addEventListener(ev, fn);
    else e.setAttribute(k, v === true ? '' : v);
  }
  e.append(...children.flat().filter((c) => c != null));
  return e;
}

// Forgets the code and whatever of the conversation is on screen (quick exit, "Sluiten", after delete).
export function forgetMailbox() {
  code = null;
  offerFollowUp(false);
  issued = null;
  thread = null;
  notice = '';
  view = null;
  const s = $('screen-mailbox');
  if (s) s.replaceChildren();
}

// The two ways in, on the closed screen (last, after the phone numbers) and on the start screen.
export function renderMailboxEntries() {
  for (const id of ['mailbox-entry-closed', 'mailbox-entry-intro']) {
    const box = $(id);
    if (!box) continue;
    box.replaceChildren(
      el('p', { text: m().entryText }),
      el('p', { class: 'muted small', text: m().slow }),
      el('div', { class: 'mailbox-actions' },
        el('button', { type: 'button', class: 'secondary', text: m().leave, on: { click: () => open('write') } }),
        el('button', { type: 'button', class: 'link', text: m().haveCode, on: { click: () => open('enter') } })));
  }
}

// Re-renders in the chosen language (the visitor's typing is kept).
export function renderMailbox() {
  renderMailboxEntries();
  if (view) render(false);
}

function open(next) {
  notice = '';
  view = next;
  show('mailbox');
  render(true);
}

async function leaveMailbox() {
  forgetMailbox();
  show('loading');
  await refreshStatus();
  const heading = document.querySelector('.screen:not([hidden]) h2');
  if (heading) { heading.tabIndex = -1; heading.focus(); }
}

async function post(path, body) {
  const r = await fetch(path, {
    method: 'POST', cache: 'no-store', credentials: 'omit',
    headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body)
  });
  let json = null;
  try { json = r.status === 204 ? null : await r.json(); } catch { /* no body */ }
  return { status: r.status, json };
}

// The server's answer as words for the visitor (the server's own Dutch is not shown for the known cases).
function problem(status, json) {
  if (status === 404) return m().notFound;
  if (status === 429) return json?.title?.startsWith('Vandaag') ? m().lettersToday : m().tooMany;
  if (status === 503) return m().full;
  if (status === 409) return m().threadFull;
  if (status === 400 && json?.errors?.code) return m().mistyped;
  if (status === 400 && json?.errors?.text) return m().empty;
  return m().failed;
}

function render(focus) {
  const s = $('screen-mailbox');
  const kept = s.querySelector('textarea')?.value ?? '';
  const keptCode = s.querySelector('input[name=mb-code]')?.value ?? '';
  const checked = (name, fallback) => s.querySelector(`input[name=${name}]:checked`)?.value ?? fallback;
  const answers = { danger: checked('mb-danger', null), about: checked('mb-about', null), pref: checked('mb-pref', 'any'), gender: checked('mb-gender', 'any'),
    more: s.querySelector('#mb-more')?.open ?? false };
  let body;
  if (view === 'write') body = writeView(kept, answers);
  else if (view === 'code') body = codeView();
  else if (view === 'enter') body = enterView(keptCode);
  else body = threadView(kept);
  s.replaceChildren(...body.filter((b) => b != null));
  if (focus) {
    const h = s.querySelector('h2');
    h.tabIndex = -1;
    h.focus();
  }
}

function statusLine() {
  return el('p', { class: 'mailbox-notice', role: 'status', 'aria-live': 'polite', text: notice });
}

function fieldset(legend, name, options, selected, inline) {
  return el('fieldset', {}, el('legend', { text: legend }),
    el('div', { class: inline ? 'choices inline' : 'choices' }, Object.entries(options).map(([k, v]) => radio(name, k, v, k === selected))));
}

function writeView(text, a) {
  const box = el('textarea', { id: 'mb-letter', rows: '8', maxlength: '4000', autocomplete: 'off', spellcheck: 'true' });
  if (letterError) { box.setAttribute('aria-invalid', 'true'); box.setAttribute('aria-describedby', 'mb-letter-error'); }
  const form = el('form', { id: 'mailbox-form', novalidate: true, on: { submit: sendLetter } },
    el('label', { for: 'mb-letter', text: m().letterLabel }),
    // Between the label and the box: in view with the box even when the box fills the window (a phone, 200%).
    letterError ? el('p', { class: 'mailbox-error', id: 'mb-letter-error', text: letterError }) : null,
    box,
    fieldset(t().dangerLegend, 'mb-danger', t().danger, a.danger, true),
    // The other questions folded, as on the chat's start screen: a short page on a phone, every question optional.
    el('details', { class: 'more-questions', id: 'mb-more', open: a.more },
      el('summary', {}, el('span', { text: t().moreQuestions }), ' ', el('span', { class: 'muted small', text: t().moreQuestionsHint })),
      fieldset(t().aboutLegend, 'mb-about', t().about, a.about),
      fieldset(t().prefLegend, 'mb-pref', t().pref, a.pref),
      fieldset(t().genderLegend, 'mb-gender', t().gender, a.gender, true)),
    el('p', { class: 'muted small', text: m().slow }),
    el('div', { class: 'mailbox-actions' },
      el('button', { type: 'submit', class: 'primary', id: 'mb-send', text: m().send }),
      el('button', { type: 'button', class: 'link', text: m().back, on: { click: leaveMailbox } })));
  form.querySelector('textarea').value = text;
  return [el('h2', { text: m().writeTitle }), el('p', { text: m().writeText }), form, statusLine()];
}

async function sendLetter(ev) {
  ev.preventDefault();
  const s = $('screen-mailbox');
  const text = s.querySelector('textarea').value;
  // Said right above the box, which keeps the focus: the error is where the eye and a screen reader are.
  letterError = !text.trim() ? m().empty : text.length > 4000 ? m().tooLong : '';
  if (letterError) { notice = ''; render(false); s.querySelector('textarea').focus(); letterError = ''; return; }
  const pick = (name) => s.querySelector(`input[name=${name}]:checked`)?.value;
  const danger = pick('mb-danger');
  const button = $('mb-send');
  button.disabled = true;
  try {
    const r = await post('/api/mailbox', {
      text, about: pick('mb-about') || 'unspecified', preferredExperience: pick('mb-pref') || 'any',
      preferredGender: pick('mb-gender') || 'any', language: state.lang, referral: params.get('referral') || null, project: state.project || null,
      inDanger: danger === 'yes' ? true : danger === 'no' ? false : null
    });
    if (r.status !== 201) { notice = problem(r.status, r.json); render(false); return; }
    issued = { code: r.json.code, answerExpected: r.json.answerExpected ?? null };
    notice = '';
    view = 'code';
    render(true);
  } catch {
    notice = m().failed;
    render(false);
  } finally {
    if (document.body.contains(button)) button.disabled = false;
  }
}

function codeView() {
  const shown = issued?.code ?? '';
  const copyNote = el('p', { class: 'muted small', role: 'status', 'aria-live': 'polite' });
  return [
    el('h2', { text: m().codeTitle }),
    el('p', { text: m().codeIntro }),
    el('p', { class: 'mailbox-code', id: 'mb-issued-code', text: shown }),
    el('div', { class: 'mailbox-actions' },
      el('button', { type: 'button', class: 'secondary', text: m().copy, on: { click: async () => {
        try { await navigator.clipboard.writeText(shown); copyNote.textContent = m().copied; } catch { copyNote.textContent = m().copyFailed; }
      } } })),
    copyNote,
    el('ul', { class: 'mailbox-warnings' }, m().warnings.map((w) => el('li', { text: w }))),
    el('p', { text: m().expected(issued?.answerExpected ?? null) }),
    el('button', { type: 'button', class: 'primary', text: m().done, on: { click: leaveMailbox } })
  ];
}

function enterView(value) {
  const input = el('input', {
    id: 'mb-code', name: 'mb-code', type: 'text', autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false',
    maxlength: '30', 'aria-describedby': 'mb-code-hint', inputmode: 'text'
  });
  input.value = value;
  return [
    el('h2', { text: m().enterTitle }),
    el('form', { id: 'mailbox-open', novalidate: true, on: { submit: openThread } },
      el('label', { for: 'mb-code', text: m().codeLabel }),
      el('p', { class: 'muted small', id: 'mb-code-hint', text: m().codeHint }),
      input,
      el('div', { class: 'mailbox-actions' },
        el('button', { type: 'submit', class: 'primary', text: m().open }),
        el('button', { type: 'button', class: 'link', text: m().back, on: { click: leaveMailbox } }))),
    statusLine()
  ];
}

async function openThread(ev) {
  ev.preventDefault();
  const typed = $('mb-code').value.trim();
  if (!typed) { notice = m().mistyped; render(false); $('mb-code').focus(); return; }
  try {
    const r = await post('/api/mailbox/open', { code: typed });
    if (r.status !== 200) { notice = problem(r.status, r.json); render(false); $('mb-code').focus(); return; }
    code = typed;
    thread = r.json;
    notice = '';
    view = 'thread';
    render(true);
  } catch {
    notice = m().failed;
    render(false);
  }
}

// A letter's time is kept to the hour only: said as the hour it lies in, never as an exact minute it does not have.
function when(iso) {
  const locale = state.lang === 'en' ? 'en-GB' : 'nl-NL';
  const start = new Date(iso);
  start.setMinutes(0, 0, 0);
  const end = new Date(start.getTime() + 3600000);
  const hour = (d) => d.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
  return m().at(start.toLocaleDateString(locale, { weekday: 'long', day: 'numeric', month: 'long' }), hour(start), hour(end));
}

function threadView(text) {
  const list = el('ol', { class: 'messages mailbox-messages' }, (thread?.messages ?? []).map((msg) => el('li', { class: `msg ${msg.from === 'visitor' ? 'visitor' : 'expert'}` },
    el('div', { class: 'meta', text: `${msg.from === 'visitor' ? m().you : (msg.displayName || m().expertFallback)} · ${when(msg.sentAt)}` }),
    el('div', { class: 'body', text: msg.text }))));
  const waiting = thread?.status !== 'answered';
  const form = el('form', { id: 'mailbox-write', novalidate: true, on: { submit: writeAgain } },
    el('label', { for: 'mb-again', text: m().again }),
    el('textarea', { id: 'mb-again', rows: '5', maxlength: '4000', autocomplete: 'off', spellcheck: 'true' }),
    el('button', { type: 'submit', class: 'primary', text: m().sendAgain }));
  form.querySelector('textarea').value = text;
  return [
    el('h2', { text: m().threadTitle }),
    el('p', { text: waiting ? `${m().waiting} ${m().expected(thread?.answerExpected ?? null)}` : m().answered }),
    list, form, statusLine(),
    // While the chat is open: go on in the chat with this code (the same expert if they are on shift).
    $('status-dot')?.classList.contains('open')
      ? el('div', { class: 'mailbox-actions' }, el('button', { type: 'button', class: 'primary', text: m().chatWithCode, on: { click: chatWithCode } }))
      : null,
    el('div', { class: 'mailbox-actions mailbox-remove', id: 'mb-remove' },
      el('button', { type: 'button', class: 'secondary', text: m().remove, on: { click: confirmRemove } }),
      el('button', { type: 'button', class: 'link', text: m().close, on: { click: leaveMailbox } }))
  ];
}

// The code goes along in the StartChat call and is wiped from this page at once (as after "Sluiten").
async function chatWithCode() {
  const c = code;
  forgetMailbox();
  await startChatWithCode(c);
}

async function writeAgain(ev) {
  ev.preventDefault();
  const text = $('mb-again').value;
  if (!text.trim()) { notice = m().empty; render(false); $('mb-again').focus(); return; }
  try {
    const r = await post('/api/mailbox/write', { code, text });
    if (r.status !== 200) { notice = problem(r.status, r.json); render(false); return; }
    thread = r.json;
    notice = m().sent;
    $('mb-again').value = '';
    render(false);
  } catch {
    notice = m().failed;
    render(false);
  }
}

function confirmRemove() {
  const box = $('mb-remove');
  box.replaceChildren(
    el('p', { id: 'mb-remove-question', text: m().removeConfirm }),
    el('button', { type: 'button', class: 'primary', text: m().removeYes, on: { click: remove } }),
    el('button', { type: 'button', class: 'link', text: m().removeNo, on: { click: () => render(false) } }));
  box.querySelector('button').focus();
}

async function remove() {
  try {
    const r = await post('/api/mailbox/delete', { code });
    if (r.status !== 204 && r.status !== 404) { notice = problem(r.status, r.json); render(false); return; }
  } catch {
    notice = m().failed;
    render(false);
    return;
  }
  forgetMailbox();
  const s = $('screen-mailbox');
  s.replaceChildren(el('h2', { text: m().removed }),
    el('button', { type: 'button', class: 'primary', text: m().close, on: { click: leaveMailbox } }));
  const h = s.querySelector('h2');
  h.tabIndex = -1;
  h.focus();
}

// At the end of a chat with an expert: "Wil je later verder praten met Sanne? Vraag een code." The request goes over the
// ended chat's connection (kept open for the feedback question); the code is shown once, like a letter's.
export function offerFollowUp(offer) {
  const box = $('mailbox-followup');
  if (!box) return;
  state.followUpOpen = offer;
  box.hidden = !offer;
  if (!offer) { box.replaceChildren(); return; }
  const name = state.expertName || m().expertFallback;
  const note = el('p', { class: 'muted small', role: 'status', 'aria-live': 'polite' });
  box.replaceChildren(
    el('p', { text: m().followUpOffer(name) }),
    el('button', { type: 'button', class: 'secondary', id: 'mb-followup', text: m().followUpAsk, on: { click: async (ev) => {
      const button = ev.currentTarget;
      button.disabled = true;
      try {
        const r = await state.feedbackConnection.invoke('RequestFollowUpCode');
        const copyNote = el('p', { class: 'muted small', role: 'status', 'aria-live': 'polite' });
        box.replaceChildren(
          el('h3', { text: m().followUpTitle, tabindex: '-1' }),
          el('p', { class: 'mailbox-code', id: 'mb-followup-code', text: r.code }),
          el('button', { type: 'button', class: 'secondary', text: m().copy, on: { click: async () => {
            try { await navigator.clipboard.writeText(r.code); copyNote.textContent = m().copied; } catch { copyNote.textContent = m().copyFailed; }
          } } }),
          copyNote,
          el('ul', { class: 'mailbox-warnings' }, m().warnings.map((w) => el('li', { text: w }))),
          el('p', { class: 'muted small', text: m().followUpHow }));
        box.querySelector('h3').focus();
        followUpDone();
      } catch {
        // "Lukt nu niet meer": the button goes, and the connection with it unless the question still waits for it.
        note.textContent = m().followUpFailed;
        button.remove();
        followUpDone();
      }
    } } }),
    note);
}
