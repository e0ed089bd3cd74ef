// The contact form (contactformulier): closed, pre-coded answers from /api/contacts/codes.
// Used after a chat (pre-filled) and for contacts outside the chat ("Contact registreren").
import { h, hourSpan } from './dom.js';

let codesCache = {};

async function codes(lang) {
  if (!codesCache[lang]) {
    const r = await fetch(`/api/contacts/codes?lang=${lang}`, { credentials: 'same-origin' });
    codesCache[lang] = await r.json();
  }
  return codesCache[lang];
}

function pad(n) { return String(n).padStart(2, '0'); }

// A prefill's answer, if the visitor gave one ("unknown" came from servers before 2026-12-05 for "not said").
const said = (code) => (code && code !== 'unknown' ? [code] : []);

/**
 * Opens the form in a modal dialog. prefill: a ContactPrefill from the server (chat) or null (other contact).
 * Resolves true when saved, false when closed without saving.
 */
export async function openContactForm({ t, lang, prefill, subject = null }) {
  const fields = await codes(lang);
  const byName = Object.fromEntries(fields.map((f) => [f.name, f]));
  const isChat = !!prefill?.conversationId;
  const now = new Date();
  const started = prefill?.occurredAt ? new Date(prefill.occurredAt) : now;
  const idempotencyKey = crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random();

  const errorsBox = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const fieldError = (name) => h('p', { class: 'field-error', id: `err-${name}`, hidden: true });

  function choiceGroup(name, { type, selected = [], exclude = [] }) {
    const f = byName[name];
    return h('fieldset', { class: 'field', id: `field-${name}`, 'aria-describedby': `err-${name}` },
      h('legend', {}, f.label),
      h('div', { class: 'choices' }, f.codes.filter((c) => !exclude.includes(c.key)).map((c) =>
        h('label', {}, h('input', { type, name, value: c.key, checked: selected.includes(c.key) }), ' ', c.label))),
      fieldError(name));
  }

  const when = isChat
    ? h('div', { class: 'field' }, h('span', { class: 'label' }, t.when), ' ',
        // Kept to the hour only (cut down): "maandag 30 november, tussen 14:00 en 15:00".
        t.withinHour(started.toLocaleDateString(lang === 'en' ? 'en-GB' : 'nl-NL', { weekday: 'long', day: 'numeric', month: 'long' }),
          ...hourSpan(started, lang === 'en' ? 'en-GB' : 'nl-NL')))
    : h('div', { class: 'field row', id: 'field-occurredAt' },
        h('label', {}, t.date, h('input', { type: 'date', name: 'date', required: true,
          value: `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}` })),
        h('label', {}, t.hour, h('input', { type: 'time', name: 'time', step: 900, required: true, value: `${pad(now.getHours())}:00` })),
        fieldError('occurredAt'));

  const durationInput = h('input', { type: 'number', name: 'durationMinutes', min: 1, max: 600, required: true,
    value: prefill?.durationMinutes ?? '', inputmode: 'numeric', 'aria-describedby': 'err-durationMinutes' });
  const referralOther = h('input', { type: 'text', name: 'referralOther', maxlength: 100, autocomplete: 'off', 'aria-describedby': 'err-referralOther' });
  const referralOtherWrap = h('label', { class: 'field sub', hidden: true }, t.referralOther, referralOther, fieldError('referralOther'));

  const form = h('form', { class: 'contact-form', novalidate: true },
    h('p', { class: 'muted' }, t.formIntro),
    when,
    h('label', { class: 'field', id: 'field-durationMinutes' }, t.durationMinutes, durationInput, fieldError('durationMinutes')),
    isChat
      ? h('input', { type: 'hidden', name: 'contactType', value: prefill.contactType || 'website-chat' }) // a letter's: anonymous-mailbox
      : choiceGroup('contactType', { type: 'radio', selected: [], exclude: ['website-chat'] }),
    // What the visitor told in the widget, else nothing: "onbekend" is an answer the expert gives, never a default.
    choiceGroup('conversation', { type: 'radio', selected: said(prefill?.conversation) }),
    choiceGroup('contactSeeker', { type: 'radio', selected: said(prefill?.contactSeeker) }),
    choiceGroup('referralSources', { type: 'checkbox', selected: prefill?.referralSources || [] }),
    referralOtherWrap,
    // A referral card sent in the chat: "advice to seek professional help" and its kind, already checked (still changeable).
    choiceGroup('support', { type: 'checkbox', selected: prefill?.support || [] }),
    choiceGroup('professionalHelp', { type: 'checkbox', selected: prefill?.professionalHelp || [] }),
    choiceGroup('safety', { type: 'radio', selected: prefill?.safety ? [prefill.safety] : [] }), // unanswered until the expert answers
    errorsBox,
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, t.save),
      h('button', { type: 'button', class: 'secondary', value: 'cancel', onclick: () => dialog.close('cancel') }, isChat ? t.cancel : t.close)));

  const profHelp = form.querySelector('#field-professionalHelp');
  function sync() {
    const advice = form.querySelector('input[name=support][value=advice-professional-help]').checked;
    profHelp.hidden = !advice;
    if (!advice) profHelp.querySelectorAll('input').forEach((i) => { i.checked = false; });
    referralOtherWrap.hidden = !form.querySelector('input[name=referralSources][value=other]').checked;
  }
  form.addEventListener('change', sync);
  sync();

  const dialog = h('dialog', { class: 'form-dialog', 'aria-labelledby': 'form-title' },
    h('h2', { id: 'form-title' }, isChat ? t.formTitleChat : t.formTitleOther, subject ? h('span', { class: 'form-subject' }, `: ${subject}`) : null), form);
  document.body.append(dialog);

  const opener = document.activeElement;
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      dialog.remove();
      // Back to the button that opened the form (the caller moves it on when that button went with the saved form).
      if (opener instanceof HTMLElement && opener.isConnected && (!document.activeElement || document.activeElement === document.body)) opener.focus();
      resolve(dialog.returnValue === 'saved');
    });
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const data = new FormData(form);
      const body = {
        conversationId: isChat ? prefill.conversationId : null,
        occurredAt: isChat ? prefill.occurredAt : localInstant(data.get('date'), data.get('time')),
        durationMinutes: data.get('durationMinutes') ? Number(data.get('durationMinutes')) : null,
        conversation: data.get('conversation'),
        contactType: data.get('contactType'),
        contactSeeker: data.get('contactSeeker'),
        referralSources: data.getAll('referralSources'),
        referralOther: data.get('referralOther') || null,
        support: data.getAll('support'),
        professionalHelp: data.getAll('professionalHelp'),
        safety: data.get('safety')
      };
      form.querySelectorAll('.field-error').forEach((e) => { e.hidden = true; });
      form.querySelectorAll('[aria-invalid]').forEach((e) => e.removeAttribute('aria-invalid'));
      errorsBox.hidden = true;
      const headers = { 'Content-Type': 'application/json' };
      if (!isChat) headers['Idempotency-Key'] = idempotencyKey;
      let r;
      try {
        r = await fetch('/api/contacts', { method: 'POST', headers, credentials: 'same-origin', body: JSON.stringify(body) });
      } catch {
        errorsBox.textContent = t.saveFailed; errorsBox.hidden = false; return;
      }
      if (r.ok) { dialog.close('saved'); return; }
      const problem = await r.json().catch(() => null);
      const errors = problem?.errors || {};
      let first = null;
      for (const [name, messages] of Object.entries(errors)) {
        const el = form.querySelector(`#err-${CSS.escape(name)}`);
        if (el) { el.textContent = messages.join(' '); el.hidden = false; }
        const field = form.querySelector(`#field-${CSS.escape(name)}`) || form.querySelector(`[name=${CSS.escape(name)}]`);
        field?.setAttribute('aria-invalid', 'true');
        first ??= field;
      }
      errorsBox.textContent = Object.keys(errors).length ? t.fixErrors : (problem?.title || t.saveFailed);
      errorsBox.hidden = false;
      (first?.querySelector?.('input') || first)?.focus?.();
    });
    dialog.showModal();
    form.querySelector('input:not([type=hidden])')?.focus();
  });
}

function localInstant(date, time) {
  if (!date || !time) return null;
  return new Date(`${date}T${time}`).toISOString();
}
