// The coordinator's urgent words (triage): a list per language, one word or short phrase per line. A waiting visitor who
// writes one goes first and sees 112; nobody is told which word, and no word or match is logged or counted.
import { askConfirm } from './confirm-dialog.js';
import { apiCaller, fill, h } from './dom.js';

const root = document.getElementById('triage');
const lang = root.dataset.lang === 'en' ? 'en' : 'nl';
const locale = lang === 'en' ? 'en-GB' : 'nl-NL';
const t = {
  nl: {
    title: 'Signaalwoorden', back: 'Terug naar de console',
    intro: 'Schrijft een wachtende contactzoeker een van deze woorden of zinnen, dan gaat die als eerste aan de beurt en ziet die meteen "Bel 112". ' +
      'Hele woorden tellen; hoofdletters en accenten niet. Niemand ziet welk woord het was, en geen woord wordt bewaard of geteld. ' +
      'In de statistieken zie je hoe vaak een signaalwoord leidde tot "zorgen over veiligheid" of "acuut onveilig": zo kun je de lijst bijstellen.',
    languages: { nl: 'Nederlands', en: 'Engels' },
    help: 'Eén woord of korte zin per regel (2 tot 60 tekens).',
    count: (n) => n === 1 ? '1 woord of zin' : `${n} woorden en zinnen`,
    standard: 'Standaardlijst', changed: (d) => `Aangepast op ${d}`,
    save: 'Opslaan', reset: 'Standaardlijst terugzetten',
    saved: 'De lijst is opgeslagen. Op deze server geldt hij meteen, op andere binnen een halve minuut.',
    resetDone: 'De standaardlijst geldt weer.', resetYes: 'Ja, terugzetten', cancel: 'Annuleren',
    resetConfirm: 'Wil je de standaardlijst terugzetten? Je eigen wijzigingen in deze taal gaan dan verloren.',
    failed: 'Dat lukte niet.'
  },
  en: {
    title: 'Urgent words', back: 'Back to the console',
    intro: 'When a waiting contact seeker writes one of these words or phrases, they go first and see "Call 112" at once. ' +
      'Whole words count; capitals and accents do not. Nobody sees which word it was, and no word is stored or counted. ' +
      'The statistics show how often an urgent word led to "concerns about safety" or "acutely unsafe": use them to tune the list.',
    languages: { nl: 'Dutch', en: 'English' },
    help: 'One word or short phrase per line (2 to 60 characters).',
    count: (n) => n === 1 ? '1 word or phrase' : `${n} words and phrases`,
    standard: 'Default list', changed: (d) => `Changed on ${d}`,
    save: 'Save', reset: 'Back to the default list',
    saved: 'The list is saved. It applies at once on this server, on others within half a minute.',
    resetDone: 'The default list applies again.', resetYes: 'Yes, go back', cancel: 'Cancel',
    resetConfirm: 'Do you want to go back to the default list? Your own changes in this language will be lost.',
    failed: 'That did not work.'
  }
}[lang];

const heading = h('h1', { tabindex: '-1' }, t.title);
const status = h('p', { class: 'status-line', role: 'status', 'aria-live': 'polite' });
const lists = h('div', { class: 'triage-lists' });

const call = apiCaller('/console/triage', t.failed);

function say(text, error = false) { status.textContent = text; status.classList.toggle('error', error); }

const day = (iso) => new Date(iso).toLocaleDateString(locale, { day: 'numeric', month: 'long', year: 'numeric' });

function section(l) {
  const id = `words-${l.language}`;
  const area = h('textarea', { id, rows: 14, spellcheck: 'false', autocomplete: 'off', 'aria-describedby': `${id}-help ${id}-state` });
  area.value = l.words.join('\n');
  const save = async () => {
    try {
      render(await call('PUT', '/api/triage/words', { language: l.language, words: area.value.split('\n') }));
      say(t.saved);
    } catch (e) { say(e.message, true); }
  };
  const reset = async (ev) => {
    if (!await askConfirm({ title: t.reset, text: t.resetConfirm, yes: t.resetYes, no: t.cancel, opener: ev.currentTarget })) return;
    try {
      render(await call('PUT', '/api/triage/words', { language: l.language, reset: true }));
      say(t.resetDone);
    } catch (e) { say(e.message, true); }
  };
  return h('section', { class: 'side-box triage-language', 'aria-labelledby': `${id}-title` },
    h('h2', { id: `${id}-title` }, t.languages[l.language] ?? l.language),
    h('label', { for: id, class: 'sr-only' }, `${t.title}: ${t.languages[l.language] ?? l.language}`),
    h('p', { id: `${id}-help`, class: 'muted small' }, t.help),
    area,
    h('p', { id: `${id}-state`, class: 'muted small' }, `${t.count(l.words.length)} · ${l.changed ? t.changed(day(l.changedAt)) : t.standard}`),
    h('div', { class: 'actions' },
      h('button', { type: 'button', onclick: save }, t.save),
      l.changed ? h('button', { type: 'button', class: 'secondary', onclick: reset }, t.reset) : null));
}

function render(data) { fill(lists, data.languages.map(section)); }

fill(root,
  h('header', { class: 'bar no-print' }, h('div', { class: 'bar-left' }, h('strong', { class: 'product' }, t.title)),
    h('nav', { class: 'bar-right' }, h('a', { href: '/console' }, t.back))),
  h('main', { class: 'stats-main' }, heading, h('p', { class: 'muted intro' }, t.intro), status, lists));
call('GET', '/api/triage/words').then(render).catch((e) => say(e.message, true));
