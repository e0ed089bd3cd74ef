// The coordinator's account management: experts (and coordinators), their shown name, lived experience,
// how many chats at once, role, disabled, and a new password.
import { apiCaller, fill, h } from './dom.js';

const root = document.getElementById('accounts');
const lang = root.dataset.lang === 'en' ? 'en' : 'nl';
const t = {
  nl: {
    projects: 'Projecten', projectsFor: (u) => `Projecten van ${u}`, projectsPage: 'Projecten',
    title: 'Accounts', back: 'Terug naar de console', add: 'Nieuw account', list: 'Alle accounts', userName: 'Gebruikersnaam',
    displayName: 'Naam voor contactzoekers', experience: 'Ervaring', maxChats: 'Chats tegelijk', coordinator: 'Coördinator',
    disabled: 'Uitgeschakeld', password: 'Wachtwoord (minstens 12 tekens, moeilijk te raden: een zin of drie, vier losse woorden)',
    newPassword: 'Nieuw wachtwoord', setPassword: 'Wachtwoord instellen', save: 'Opslaan', create: 'Account aanmaken',
    saved: 'Opgeslagen.', created: 'Account aangemaakt.', passwordSet: 'Wachtwoord ingesteld.', failed: 'Dat lukte niet.',
    experiences: { victim: 'als slachtoffer', perpetrator: 'als pleger', both: 'beide' }, yes: 'ja', no: 'nee',
    gender: 'Gender', genders: { woman: 'vrouw', man: 'man', other: 'anders', unspecified: 'zegt het liever niet' },
    languages: 'Talen', languageNames: { nl: 'Nederlands', en: 'Engels' }, languagesFor: (u) => `Talen van ${u}`,
    passwordFor: (u) => `Nieuw wachtwoord voor ${u}`, setPasswordFor: (u) => `Wachtwoord instellen voor ${u}`, cancel: 'Annuleren'
  },
  en: {
    projects: 'Projects', projectsFor: (u) => `Projects of ${u}`, projectsPage: 'Projects',
    title: 'Accounts', back: 'Back to the console', add: 'New account', list: 'All accounts', userName: 'User name',
    displayName: 'Name shown to contact seekers', experience: 'Experience', maxChats: 'Chats at once', coordinator: 'Coordinator',
    disabled: 'Disabled', password: 'Password (12+ characters, hard to guess: a sentence or three, four unrelated words)',
    newPassword: 'New password', setPassword: 'Set password', save: 'Save', create: 'Create account',
    saved: 'Saved.', created: 'Account created.', passwordSet: 'Password set.', failed: 'That did not work.',
    experiences: { victim: 'as a victim', perpetrator: 'as a perpetrator', both: 'both' }, yes: 'yes', no: 'no',
    gender: 'Gender', genders: { woman: 'woman', man: 'man', other: 'other', unspecified: 'rather not say' },
    languages: 'Languages', languageNames: { nl: 'Dutch', en: 'English' }, languagesFor: (u) => `Languages of ${u}`,
    passwordFor: (u) => `New password for ${u}`, setPasswordFor: (u) => `Set password for ${u}`, cancel: 'Cancel'
  }
}[lang];

const status = h('p', { class: 'status-line', role: 'status', 'aria-live': 'polite' });
const list = h('div', {});

const call = apiCaller('/console/accounts', t.failed);

function experienceSelect(id, value) {
  return h('select', { id, name: 'experience' }, Object.entries(t.experiences).map(([k, v]) => h('option', { value: k, selected: k === value }, v)));
}

function genderSelect(id, value) {
  return h('select', { id, name: 'gender' }, Object.entries(t.genders).map(([k, v]) => h('option', { value: k, selected: k === value }, v)));
}

// The languages a visitor can choose in the widget, as checkboxes; a code an account already has beyond those stays
// as a box of its own (the server checks the codes and says what is wrong).
function languageBoxes(name, chosen, legend, visibleLegend = false) {
  const codes = [...new Set([...Object.keys(t.languageNames), ...chosen])];
  return h('fieldset', { class: 'langs' },
    h('legend', { class: visibleLegend ? null : 'sr-only' }, legend),
    codes.map((code) => h('label', {}, h('input', { type: 'checkbox', name, value: code, checked: chosen.includes(code) }), ' ', t.languageNames[code] ?? code)));
}
const languageList = (box) => [...box.querySelectorAll('input:checked')].map((i) => i.value);

// Several projects on one installation: which projects an account works for (shown only when there is more than one).
let projects = [];
const severalProjects = () => projects.length > 1;
function projectBoxes(name, chosen, legend, visibleLegend = false) {
  return h('fieldset', { class: 'langs projects' },
    h('legend', { class: visibleLegend ? null : 'sr-only' }, legend),
    projects.map((p) => h('label', {}, h('input', { type: 'checkbox', name, value: p.slug, checked: chosen.includes(p.slug) }), ' ', p.name)));
}

// A new password in a small dialog of its own: the table stays narrow, and focus goes back to the row's button.
function passwordDialog(a, opener) {
  const input = h('input', { id: 'pwd-new', type: 'password', autocomplete: 'new-password', required: true });
  const error = h('p', { class: 'field-error', role: 'alert', hidden: true });
  const form = h('form', { class: 'password-dialog', method: 'dialog' },
    h('label', { for: 'pwd-new' }, t.password), input, error,
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, t.cancel),
      h('button', { type: 'submit', class: 'primary' }, t.setPassword)));
  const dialog = h('dialog', { class: 'form-dialog narrow', 'aria-labelledby': 'pwd-title' }, h('h2', { id: 'pwd-title' }, t.passwordFor(a.userName)), form);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try { await call('POST', `/api/accounts/${a.id}/password`, { password: input.value }); dialog.close(); say(t.passwordSet); }
    catch (err) { error.textContent = err.message; error.hidden = false; input.focus(); }
  });
  dialog.addEventListener('close', () => { dialog.remove(); opener.focus(); });
  document.body.append(dialog);
  dialog.showModal();
}

function say(text, error = false) { status.textContent = text; status.classList.toggle('error', error); }

function row(a) {
  const name = h('input', { type: 'text', value: a.displayName, maxlength: 40, 'aria-label': `${t.displayName} (${a.userName})` });
  const exp = experienceSelect(`exp-${a.id}`, a.experience);
  exp.setAttribute('aria-label', `${t.experience} (${a.userName})`);
  const max = h('input', { type: 'number', min: 1, max: 5, value: String(a.maxChats), 'aria-label': `${t.maxChats} (${a.userName})` });
  const gender = genderSelect(`gender-${a.id}`, a.gender);
  gender.setAttribute('aria-label', `${t.gender} (${a.userName})`);
  const langs = languageBoxes(`langs-${a.id}`, a.languages || [], t.languagesFor(a.userName));
  const projs = severalProjects() ? projectBoxes(`projects-${a.id}`, a.projects || [], t.projectsFor(a.userName)) : null;
  const coord = h('input', { type: 'checkbox', checked: a.coordinator, 'aria-label': `${t.coordinator} (${a.userName})` });
  const dis = h('input', { type: 'checkbox', checked: a.disabled, 'aria-label': `${t.disabled} (${a.userName})` });
  // On a phone each account is a card (statistics.css): a cell shows its column's name in front (data-label), and the
  // explicit roles keep it a table for screen readers when its parts are displayed as blocks.
  const cell = (label, content) => h('td', { role: 'cell', 'data-label': label }, content);
  return h('tr', { role: 'row' },
    h('th', { scope: 'row', role: 'rowheader' }, a.userName), cell(t.displayName, name), cell(t.experience, exp), cell(t.gender, gender), cell(t.languages, langs),
    projs ? cell(t.projects, projs) : null, cell(t.maxChats, max), cell(t.coordinator, coord), cell(t.disabled, dis),
    h('td', { role: 'cell', class: 'row-action' }, h('button', { type: 'button', class: 'secondary', onclick: async () => {
      try { await call('PUT', `/api/accounts/${a.id}`, { displayName: name.value, experience: exp.value, gender: gender.value, languages: languageList(langs), maxChats: Number(max.value), coordinator: coord.checked, disabled: dis.checked,
        ...(projs ? { projects: languageList(projs) } : {}) }); say(t.saved); }
      catch (e) { say(e.message, true); }
    } }, t.save)),
    h('td', { role: 'cell', class: 'row-action' }, h('button', { type: 'button', class: 'secondary', 'aria-label': t.setPasswordFor(a.userName),
      onclick: (e) => passwordDialog(a, e.currentTarget) }, t.setPassword)));
}

async function load() {
  const accounts = await call('GET', '/api/accounts');
  // Every column has a header; the one above the save buttons is for screen readers only.
  const head = [t.userName, t.displayName, t.experience, t.gender, t.languages, ...(severalProjects() ? [t.projects] : []), t.maxChats, t.coordinator, t.disabled, h('span', { class: 'sr-only' }, t.save), t.newPassword];
  fill(list, h('div', { class: 'table-scroll', role: 'region', tabindex: '0', 'aria-label': t.list },
    h('table', { class: 'report-table accounts-table', role: 'table' },
      h('thead', { role: 'rowgroup' }, h('tr', { role: 'row' }, head.map((c) => h('th', { scope: 'col', role: 'columnheader' }, c)))),
      h('tbody', { role: 'rowgroup' }, accounts.map(row)))));
}

function addForm() {
  const f = h('form', { class: 'table-block add-account' },
    h('h2', {}, t.add),
    h('label', {}, t.userName, h('input', { name: 'userName', required: true, autocomplete: 'off' })),
    h('label', {}, t.displayName, h('input', { name: 'displayName', required: true, maxlength: 40 })),
    h('label', {}, t.experience, experienceSelect('new-exp', 'victim')),
    h('label', {}, t.gender, genderSelect('new-gender', 'unspecified')),
    languageBoxes('languages', ['nl'], t.languages, true),
    severalProjects() ? projectBoxes('new-projects', projects.length ? [projects[0].slug] : [], t.projects, true) : null,
    h('label', {}, t.maxChats, h('input', { name: 'maxChats', type: 'number', min: 1, max: 5, value: '1' })),
    h('label', { class: 'inline' }, h('input', { name: 'coordinator', type: 'checkbox' }), ' ', t.coordinator),
    h('label', {}, t.password, h('input', { name: 'password', type: 'password', autocomplete: 'new-password', required: true })),
    h('button', { type: 'submit', class: 'primary' }, t.create));
  f.addEventListener('submit', async (e) => {
    e.preventDefault();
    const d = new FormData(f);
    try {
      await call('POST', '/api/accounts', { userName: d.get('userName'), displayName: d.get('displayName'), experience: d.get('experience'),
        gender: d.get('gender'), languages: languageList(f.querySelector('fieldset.langs')), maxChats: Number(d.get('maxChats')), coordinator: d.get('coordinator') === 'on', password: d.get('password'),
        ...(severalProjects() ? { projects: languageList(f.querySelector('fieldset.projects')) } : {}) });
      f.reset();
      f.querySelector('input[name=languages][value=nl]').checked = true;
      say(t.created);
      await load();
    } catch (err) { say(err.message, true); }
  });
  return f;
}

async function start() {
  projects = await call('GET', '/api/projects').catch(() => []);
  fill(root,
    h('header', { class: 'bar no-print' }, h('div', { class: 'bar-left' }, h('strong', { class: 'product' }, t.title)),
      h('nav', { class: 'bar-right' },
        root.dataset.admin === 'true' ? h('a', { href: '/console/projects' }, t.projectsPage) : null,
        root.dataset.coordinator === 'true' ? h('a', { href: '/console' }, t.back) : null)),
    h('main', { class: 'stats-main accounts-main' }, h('h1', {}, t.title), status, list, addForm()));
  await load();
}
start().catch((e) => say(e.message, true));
