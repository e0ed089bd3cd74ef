// The administrator's projects: several regional projects on one installation. Each has its own widget texts, queue,
// experts, records and figures; two projects that name each other as partners may offer a waiting visitor the other's
// free expert (never without the visitor's yes). A project's first coordinator is made on the accounts page.
import { apiCaller, fill, h } from './dom.js';

const root = document.getElementById('projects');
const lang = root.dataset.lang === 'en' ? 'en' : 'nl';
const origin = root.dataset.origin || location.origin;
const t = {
  nl: {
    title: 'Projecten', back: 'Terug naar de console', accounts: 'Accounts', signOut: 'Uitloggen',
    intro: 'Elk project heeft een eigen chat op de eigen website, eigen ervaringsdeskundigen en coördinatoren, eigen contactformulieren en cijfers. ' +
      'Een project ziet niets van een ander. Partners (die elkaar allebei noemen) kunnen een wachtende contactzoeker aanbieden om bij de ander verder te gaan als daar iemand vrij is; ' +
      'de contactzoeker beslist zelf. Als beheerder lees je geen formulieren of cijfers van een project, tenzij je er zelf coördinator bent. ' +
      'De eerste coördinator van een nieuw project maak je bij Accounts, met een eerste wachtwoord.',
    add: 'Nieuw project', slug: 'Adres (slug)', slugHelp: 'Kleine letters, cijfers en streepjes, zoals west-brabant. Staat in de insluitcode en verandert niet.',
    name: 'Naam', org: 'Naam in de chat (leeg: de standaard)', exit: 'Snel-weg-adres (leeg: de standaard)', hours: 'Openingstijden (tekst, leeg: de standaard)',
    alt: 'Andere manieren om contact op te nemen (leeg: de standaard)', origins: 'Websites die de chat mogen tonen (één per regel, zoals https://www.project.nl)',
    partners: 'Partners voor doorverwijzen', noPartners: 'Nog geen andere projecten.', after: 'Aanbieden na (minuten wachten)',
    mutual: 'wederzijds', oneWay: 'noemt dit project (nog) niet terug', defaultSlug: 'standaard',
    embed: 'Insluitcode', create: 'Project maken', save: 'Opslaan', saved: 'Opgeslagen.', created: (s) => `Project ${s} is gemaakt.`,
    failed: 'Dat lukte niet.'
  },
  en: {
    title: 'Projects', back: 'Back to the console', accounts: 'Accounts', signOut: 'Sign out',
    intro: 'Each project has its own chat on its own website, its own experts and coordinators, its own contact forms and figures. ' +
      'No project sees anything of another. Partners (who both name each other) may offer a waiting contact seeker to continue with the other when someone is free there; ' +
      'the contact seeker decides. As an administrator you read no project\'s forms or figures unless you are its coordinator. ' +
      'A new project\'s first coordinator is made under Accounts, with a first password.',
    add: 'New project', slug: 'Address (slug)', slugHelp: 'Lower-case letters, digits and hyphens, like west-brabant. It is in the embed code and never changes.',
    name: 'Name', org: 'Name in the chat (empty: the default)', exit: 'Quick exit address (empty: the default)', hours: 'Opening hours (text, empty: the default)',
    alt: 'Other ways to get in touch (empty: the default)', origins: 'Websites that may show the chat (one per line, like https://www.project.org)',
    partners: 'Partners for overflow', noPartners: 'No other projects yet.', after: 'Offer after (minutes of waiting)',
    mutual: 'mutual', oneWay: 'does not name this project back (yet)', defaultSlug: 'default',
    embed: 'Embed code', create: 'Create project', save: 'Save', saved: 'Saved.', created: (s) => `Project ${s} was created.`,
    failed: 'That did not work.'
  }
}[lang];

const status = h('p', { class: 'status-line', role: 'status', 'aria-live': 'polite' });
const list = h('div', { class: 'project-list' });
let projects = [];

const call = apiCaller('/console/projects', t.failed);

function say(text, error = false) { status.textContent = text; status.classList.toggle('error', error); }

let fieldId = 0;
function field(label, input, help) {
  const id = `pf-${++fieldId}`;
  input.id = id;
  const helpId = help ? `${id}-help` : null;
  if (helpId) input.setAttribute('aria-describedby', helpId);
  return h('div', { class: 'field' }, h('label', { for: id }, label), help ? h('p', { id: helpId, class: 'muted small' }, help) : null, input);
}

const text = (value, attrs = {}) => { const i = h('input', { type: 'text', autocomplete: 'off', ...attrs }); i.value = value ?? ''; return i; };
const area = (value, rows = 2) => { const a = h('textarea', { rows, spellcheck: 'false' }); a.value = value ?? ''; return a; };

// The installation's own project is called "default" inside (its embed code names no project): shown in the page's language.
const slugText = (slug) => (slug === 'default' ? t.defaultSlug : slug);

function embedCode(slug) {
  return `<script src="${origin}/widget.js"${slug === 'default' ? '' : ` data-project="${slug}"`} async></script>`;
}

function editor(p) {
  const name = text(p?.name, { maxlength: 80, required: true });
  const org = text(p?.organisationName, { maxlength: 80 });
  const exit = text(p?.quickExitUrl, { maxlength: 300, inputmode: 'url' });
  const hours = area(p?.openingHoursText);
  const alt = area(p?.alternatives);
  const origins = area((p?.embedOrigins ?? []).join('\n'), 3);
  const after = h('input', { type: 'number', min: 1, max: 60, step: 1, inputmode: 'numeric' });
  after.value = String(Math.round((p?.overflowAfter ?? 600) / 60));
  const slug = p ? null : text('', { maxlength: 40, pattern: '[a-z0-9-]+', autocapitalize: 'off' });
  const others = projects.filter((q) => q.slug !== p?.slug);
  const boxes = others.map((q) => {
    const box = h('input', { type: 'checkbox', value: q.slug });
    box.checked = (p?.partners ?? []).includes(q.slug);
    const back = p && q.partners.includes(p.slug);
    return h('label', { class: 'check' }, box, ` ${q.name} (${slugText(q.slug)})`, p && box.checked ? h('span', { class: 'muted small' }, ` · ${back ? t.mutual : t.oneWay}`) : null);
  });
  const partners = h('fieldset', { class: 'checks' }, h('legend', {}, t.partners), ...(boxes.length ? boxes : [h('p', { class: 'muted small' }, t.noPartners)]));
  const submit = async (ev) => {
    ev.preventDefault();
    const body = {
      name: name.value, organisationName: org.value, quickExitUrl: exit.value, openingHoursText: hours.value, alternatives: alt.value,
      embedOrigins: origins.value.split('\n').map((o) => o.trim()).filter(Boolean),
      partners: [...partners.querySelectorAll('input:checked')].map((b) => b.value),
      overflowAfter: Math.round(Number(after.value || 10) * 60)
    };
    try {
      if (p) { await call('PUT', `/api/projects/${encodeURIComponent(p.slug)}`, body); say(t.saved); }
      else { const made = await call('POST', '/api/projects', { slug: slug.value.trim(), ...body }); say(t.created(made.slug)); }
      await load();
    } catch (e) { say(e.message, true); }
  };
  return h('form', { class: 'project-form', novalidate: true, onsubmit: submit },
    slug ? field(t.slug, slug, t.slugHelp) : null,
    field(t.name, name), field(t.org, org), field(t.exit, exit), field(t.hours, hours), field(t.alt, alt), field(t.origins, origins),
    partners, field(t.after, after),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, p ? t.save : t.create)));
}

function card(p) {
  const code = h('code', { class: 'embed-code' }, embedCode(p.slug));
  return h('section', { class: 'side-box project', 'aria-labelledby': `p-${p.slug}` },
    h('h2', { id: `p-${p.slug}` }, `${p.name} `, h('span', { class: 'muted small' }, `(${slugText(p.slug)})`)),
    h('p', { class: 'muted small' }, `${t.embed}:`), h('pre', {}, code),
    editor(p));
}

function render() {
  fill(list, ...projects.map(card),
    h('section', { class: 'side-box project', 'aria-labelledby': 'p-new' }, h('h2', { id: 'p-new' }, t.add), editor(null)));
}

async function load() {
  projects = await call('GET', '/api/projects');
  render();
}

fill(root,
  h('header', { class: 'bar no-print' }, h('div', { class: 'bar-left' }, h('strong', { class: 'product' }, t.title)),
    h('nav', { class: 'bar-right' },
      h('a', { href: '/console/accounts' }, t.accounts),
      root.dataset.coordinator === 'true' ? h('a', { href: '/console' }, t.back) : null,
      h('button', { type: 'button', class: 'link', onclick: () => document.getElementById('logout-form').submit() }, t.signOut))),
  h('main', { class: 'stats-main' }, h('h1', { tabindex: '-1' }, t.title), h('p', { class: 'muted intro' }, t.intro), status, list));
load().catch((e) => say(e.message, true));
