// The coordinator's page for the canned replies (title, text, language) and the referral cards (organisations experts
// refer to: name, kind of help, phone, https link, hours, description). Lists with edit and delete, one form each.
// Every text is set as text.
import { askConfirm } from './confirm-dialog.js';
import { h, fill } from './dom.js';

const root = document.getElementById('replies');
const lang = root.dataset.lang === 'en' ? 'en' : 'nl';
const t = {
  nl: {
    title: 'Antwoorden en verwijzingen', back: 'Terug naar de console',
    intro: 'Ervaringsdeskundigen kiezen een standaardantwoord door / te typen aan het begin van hun bericht; de tekst komt in het berichtvak, zodat ze hem kunnen aanpassen. Met "Verwijzen" sturen ze een kaart met het telefoonnummer en de website van een organisatie. Het contactformulier neemt de verwijzing over.',
    replies: 'Standaardantwoorden', referrals: 'Verwijzingen',
    replyTitle: 'Titel', replyText: 'Tekst', language: 'Taal', languages: { nl: 'Nederlands', en: 'Engels' },
    name: 'Naam', kind: 'Soort hulp (voor het contactformulier)', phone: 'Telefoonnummer', phoneHint: 'Cijfers, spaties, + en -.',
    url: 'Website', urlHint: 'Begint met https://', hours: 'Bereikbaar', hoursHint: 'Bijvoorbeeld 24/7 of ma-vr 9-17 uur.', description: 'Korte uitleg',
    add: 'Toevoegen', save: 'Opslaan', cancel: 'Annuleren', edit: 'Wijzigen', remove: 'Verwijderen', actions: 'Actie',
    newReply: 'Nieuw antwoord', editReply: 'Antwoord wijzigen', newReferral: 'Nieuwe verwijzing', editReferral: 'Verwijzing wijzigen',
    editLabel: (x) => `Wijzigen: ${x}`, removeLabel: (x) => `Verwijderen: ${x}`,
    confirm: (x) => `Wil je "${x}" verwijderen?`, confirmText: 'Dit kan niet ongedaan worden gemaakt.', confirmYes: 'Ja, verwijderen',
    saved: 'Opgeslagen.', removed: 'Verwijderd.', gone: 'Dit bestond al niet meer.', failed: 'Dat lukte niet.',
    noneReplies: 'Er zijn nog geen standaardantwoorden.', noneReferrals: 'Er zijn nog geen verwijzingen.'
  },
  en: {
    title: 'Replies and referrals', back: 'Back to the console',
    intro: 'Experts pick a canned reply by typing / at the start of their message; the text goes into the message box for them to adjust. With "Refer" they send a card with an organisation\'s phone number and website. The contact form takes the referral over.',
    replies: 'Canned replies', referrals: 'Referrals',
    replyTitle: 'Title', replyText: 'Text', language: 'Language', languages: { nl: 'Dutch', en: 'English' },
    name: 'Name', kind: 'Kind of help (for the contact form)', phone: 'Phone number', phoneHint: 'Digits, spaces, + and -.',
    url: 'Website', urlHint: 'Starts with https://', hours: 'Available', hoursHint: 'For example 24/7 or Mon-Fri 9-17.', description: 'Short description',
    add: 'Add', save: 'Save', cancel: 'Cancel', edit: 'Edit', remove: 'Delete', actions: 'Action',
    newReply: 'New reply', editReply: 'Edit reply', newReferral: 'New referral', editReferral: 'Edit referral',
    editLabel: (x) => `Edit: ${x}`, removeLabel: (x) => `Delete: ${x}`,
    confirm: (x) => `Do you want to delete "${x}"?`, confirmText: 'This cannot be undone.', confirmYes: 'Yes, delete',
    saved: 'Saved.', removed: 'Deleted.', gone: 'This did not exist any more.', failed: 'That did not work.',
    noneReplies: 'There are no canned replies yet.', noneReferrals: 'There are no referrals yet.'
  }
}[lang];

const heading = h('h1', { tabindex: '-1' }, t.title);
const status = h('p', { class: 'status-line', role: 'status', 'aria-live': 'polite' });
function say(text, error = false) { status.textContent = text; status.classList.toggle('error', error); }

async function call(method, url, body) {
  const r = await fetch(url, { method, credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
  if (r.status === 401) { location.href = '/console/login?returnUrl=/console/replies'; throw new Error('signed out'); }
  const data = r.status === 204 ? null : await r.json().catch(() => null);
  if (!r.ok) throw Object.assign(new Error(data?.title || t.failed), { status: r.status, errors: data?.errors });
  return data;
}

let kinds = [];

// One editor (list + form) per kind of item; `fields` describes the form.
function editor({ key, url, heading: title, none, newTitle, editTitle, fields, columns, name }) {
  const section = h('section', { class: 'manage-section', 'aria-labelledby': `${key}-title` });
  const list = h('div', {});
  const formTitle = h('h3', { id: `${key}-form-title`, tabindex: '-1' });
  const inputs = {};
  const errors = {};
  let editing = null;
  const form = h('form', { class: 'manage-form', novalidate: true, 'aria-labelledby': `${key}-form-title`, onsubmit: save }, formTitle,
    fields.map((f) => {
      const id = `${key}-${f.name}`;
      errors[f.name] = h('p', { class: 'field-error', id: `${id}-error`, hidden: true });
      const describedBy = [f.hint ? `${id}-hint` : null, `${id}-error`].filter(Boolean).join(' ');
      inputs[f.name] = f.type === 'textarea'
        ? h('textarea', { id, name: f.name, rows: 4, maxlength: f.max, 'aria-describedby': describedBy })
        : f.type === 'select'
          ? h('select', { id, name: f.name, 'aria-describedby': describedBy }, f.options().map(([v, l]) => h('option', { value: v }, l)))
          : h('input', { id, name: f.name, type: f.inputType || 'text', maxlength: f.max, autocomplete: 'off', 'aria-describedby': describedBy });
      return h('label', { for: id }, f.label, f.hint ? h('span', { class: 'hint', id: `${id}-hint` }, f.hint) : null, inputs[f.name], errors[f.name]);
    }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t.save),
      h('button', { type: 'button', class: 'secondary', onclick: () => reset(true) }, t.cancel)));

  function reset(focus) {
    editing = null;
    formTitle.textContent = newTitle;
    for (const f of fields) inputs[f.name].value = f.initial ? f.initial() : '';
    clearErrors();
    if (focus) formTitle.focus();
  }
  function clearErrors() {
    for (const f of fields) { errors[f.name].hidden = true; inputs[f.name].removeAttribute('aria-invalid'); }
  }
  function startEdit(item) {
    editing = item;
    formTitle.textContent = editTitle;
    for (const f of fields) inputs[f.name].value = item[f.name] ?? '';
    clearErrors();
    inputs[fields[0].name].focus();
  }
  async function save(e) {
    e.preventDefault();
    clearErrors();
    const body = Object.fromEntries(fields.map((f) => [f.name, inputs[f.name].value]));
    try {
      await call(editing ? 'PUT' : 'POST', editing ? `${url}/${editing.id}` : url, body);
      say(t.saved);
      reset(false);
      await load();
    } catch (err) {
      if (err.errors) {
        let first = null;
        for (const [field, messages] of Object.entries(err.errors)) {
          if (!errors[field]) continue;
          errors[field].textContent = messages.join(' ');
          errors[field].hidden = false;
          inputs[field].setAttribute('aria-invalid', 'true');
          first ??= inputs[field];
        }
        say(err.message, true);
        first?.focus();
      } else if (err.status === 404) { say(t.gone, true); reset(false); await load(); }
      else say(err.message, true);
    }
  }
  async function remove(item, index, opener) {
    if (!await askConfirm({ title: t.confirm(name(item)), text: t.confirmText, yes: t.confirmYes, no: t.cancel, danger: true, opener })) return;
    try { await call('DELETE', `${url}/${item.id}`); say(t.removed); } catch (err) { if (err.status === 404) say(t.gone); else { say(err.message, true); return; } }
    if (editing?.id === item.id) reset(false);
    await load();
    const buttons = list.querySelectorAll('button.remove');
    (buttons[Math.min(index, buttons.length - 1)] || document.getElementById(`${key}-title`)).focus();
  }
  async function load() {
    const items = await call('GET', url);
    if (items.length === 0) { fill(list, h('p', { class: 'empty-list' }, none)); return; }
    fill(list, h('table', { class: 'report-table manage-table' },
      h('thead', {}, h('tr', {}, [...columns.map((c) => c.label), t.actions].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, items.map((item, i) => h('tr', {},
        columns.map((c) => h('td', { class: c.class || null, dataset: { label: c.label } }, c.value(item))),
        h('td', { class: 'actions-cell' },
          h('button', { type: 'button', class: 'secondary small', 'aria-label': t.editLabel(name(item)), onclick: () => startEdit(item) }, t.edit),
          h('button', { type: 'button', class: 'secondary small remove', 'aria-label': t.removeLabel(name(item)), onclick: (ev) => remove(item, i, ev.currentTarget) }, t.remove)))))));
  }
  fill(section, h('h2', { id: `${key}-title`, tabindex: '-1' }, title), list, form);
  reset(false);
  return { section, load };
}

const makeReplies = () => editor({
  key: 'reply', url: '/api/replies', heading: t.replies, none: t.noneReplies, newTitle: t.newReply, editTitle: t.editReply,
  name: (r) => r.title,
  fields: [
    { name: 'title', label: t.replyTitle, max: 60 },
    { name: 'text', label: t.replyText, type: 'textarea', max: 1000 },
    { name: 'language', label: t.language, type: 'select', options: () => Object.entries(t.languages), initial: () => lang }
  ],
  columns: [
    { label: t.replyTitle, value: (r) => r.title },
    { label: t.replyText, value: (r) => r.text, class: 'text-cell' },
    { label: t.language, value: (r) => t.languages[r.language] ?? r.language }
  ]
});

const makeReferrals = () => editor({
  key: 'referral', url: '/api/referrals', heading: t.referrals, none: t.noneReferrals, newTitle: t.newReferral, editTitle: t.editReferral,
  name: (r) => r.name,
  fields: [
    { name: 'name', label: t.name, max: 80 },
    { name: 'kind', label: t.kind, type: 'select', options: () => kinds.map((c) => [c.key, c.label]), initial: () => kinds[0]?.key ?? '' },
    { name: 'phone', label: t.phone, hint: t.phoneHint, max: 20, inputType: 'tel' },
    { name: 'url', label: t.url, hint: t.urlHint, max: 200, inputType: 'url' },
    { name: 'hours', label: t.hours, hint: t.hoursHint, max: 60 },
    { name: 'description', label: t.description, type: 'textarea', max: 300 }
  ],
  columns: [
    { label: t.name, value: (r) => r.name },
    { label: t.kind.replace(/ \(.*\)$/, ''), value: (r) => kinds.find((k) => k.key === r.kind)?.label ?? r.kind },
    { label: t.phone, value: (r) => r.phone },
    { label: t.url, value: (r) => r.url, class: 'text-cell' },
    { label: t.hours, value: (r) => r.hours }
  ]
});

async function init() {
  // The kinds are the contact form's "professional help" codes, with their labels.
  const codes = await call('GET', `/api/contacts/codes?lang=${lang}`);
  kinds = codes.find((f) => f.name === 'professionalHelp')?.codes ?? [];
  const replies = makeReplies();
  const referrals = makeReferrals();
  fill(root,
    h('header', { class: 'bar no-print' }, h('div', { class: 'bar-left' }, h('strong', { class: 'product' }, t.title)),
      h('nav', { class: 'bar-right' }, h('a', { href: '/console' }, t.back))),
    h('main', { class: 'stats-main' }, heading, h('p', { class: 'muted intro' }, t.intro), status, replies.section, referrals.section));
  await Promise.all([replies.load(), referrals.load()]);
}

init().catch((e) => say(e.message, true));
