// Contact forms: the list still to fill in, the form after a chat, "Contact registreren", "Mijn registraties".
import { openContactForm } from '../contact-form.js';
import { h } from '../dom.js';
import { renderChatList } from './chat-list.js';
import { renderMain } from './conversation.js';
import { nameChat } from './chat-names.js';
import { clock, els, firstWords, lang, roundedHour, state, t, toast } from './state.js';

export function renderForms() {
  els.formsBox.hidden = state.pendingForms.length === 0;
  // Named as in "Mijn gesprekken", with the times this tab saw (else the hour the server keeps) and my first words.
  els.formsList.replaceChildren(...state.pendingForms.map((p) => {
    const name = nameChat(p.conversationId);
    const who = `${t.visitor} ${name.n}`;
    const when = name.startedAt ? clock(name.startedAt) + (name.endedAt ? `–${clock(name.endedAt)}` : '') : roundedHour(p.occurredAt);
    const words = firstWords(state.chats.get(p.conversationId));
    return h('li', {},
      h('span', { class: 'form-name' }, h('span', {}, h('strong', {}, who), ` · ${when} · ${p.durationMinutes} min`),
        words ? h('span', { class: 'chat-words' }, `“${words}”`) : null),
      h('button', { type: 'button', class: 'secondary small', 'aria-label': t.fillInFor(who), onclick: () => fillForm(p) }, t.fillIn));
  }));
}

export async function fillForm(prefill) {
  if (document.querySelector('dialog[open]')) return; // one form at a time; the reminder list keeps the rest
  const saved = await openContactForm({ t, lang, prefill, subject: `${t.visitor} ${nameChat(prefill.conversationId).n}` });
  if (saved) {
    state.pendingForms = state.pendingForms.filter((p) => p.conversationId !== prefill.conversationId);
    renderForms();
    toast(t.saved);
    for (const [id, c] of state.chats) if (c.ended && id === prefill.conversationId) state.chats.delete(id);
    if (!state.chats.has(state.selected)) state.selected = [...state.chats.keys()][0] ?? null;
    renderChatList(); renderMain();
    // The button that opened the form went with it: unless the next chat's message box took the focus (renderMain), the
    // keyboard goes on from what comes next, not from the page's top.
    if (!document.activeElement || document.activeElement === document.body) {
      const next = els.formsList.querySelector('button')
        || (!els.coolDown.hidden && els.coolDown.querySelector('button'))
        || els.availability.querySelector('[aria-checked=true]');
      next?.focus();
    }
  }
}

export async function registerOther() {
  if (await openContactForm({ t, lang, prefill: null })) toast(t.saved);
}

export async function showMyForms() {
  const to = new Date();
  const from = new Date(Date.now() - 30 * 86400000);
  const iso = (d) => d.toISOString().slice(0, 10);
  const [forms, fields, mine] = await Promise.all([
    fetch(`/api/contacts?from=${iso(from)}&to=${iso(to)}`, { credentials: 'same-origin' }).then((r) => r.json()),
    fetch(`/api/contacts/codes?lang=${lang}`, { credentials: 'same-origin' }).then((r) => r.json()),
    fetch(`/api/statistics/me?from=${iso(from)}&to=${iso(to)}`, { credentials: 'same-origin' }).then((r) => r.json())
  ]);
  const labelOf = (field, key) => fields.find((f) => f.name === field)?.codes.find((c) => c.key === key)?.label ?? key;
  const table = forms.length === 0 ? h('p', {}, t.noForms) : h('table', { class: 'forms-table' },
    h('thead', {}, h('tr', {}, [t.col.when, t.col.type, t.col.seeker, t.col.conversation, t.col.minutes].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, forms.map((f) => h('tr', {},
      h('td', {}, new Date(f.occurredAt).toLocaleString(lang === 'en' ? 'en-GB' : 'nl-NL', { dateStyle: 'medium', timeStyle: 'short' })),
      h('td', {}, labelOf('contactType', f.contactType)),
      h('td', {}, labelOf('contactSeeker', f.contactSeeker)),
      h('td', {}, labelOf('conversation', f.conversation)),
      h('td', { class: 'num' }, String(f.durationMinutes))))));
  const dialog = h('dialog', { class: 'form-dialog wide', 'aria-labelledby': 'my-forms-title' },
    h('h2', { id: 'my-forms-title' }, t.formsTitle),
    h('p', { class: 'my-figures' }, t.myFigures(mine)), table,
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, t.close)));
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
}
