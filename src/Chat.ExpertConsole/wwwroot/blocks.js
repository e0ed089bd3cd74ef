// The coordinator's list of blocks: when a visitor's address was blocked, until when, why and by whom (never the
// address itself), with a button to lift a block early.
import { askConfirm } from './confirm-dialog.js';
import { apiCaller, fill, h } from './dom.js';

const root = document.getElementById('blocks');
const lang = root.dataset.lang === 'en' ? 'en' : 'nl';
const locale = lang === 'en' ? 'en-GB' : 'nl-NL';
const t = {
  nl: {
    title: 'Blokkades', back: 'Terug naar de console',
    intro: 'Een ervaringsdeskundige kan een contactzoeker blokkeren die grof, bedreigend of voor de grap chat. Vanaf dat adres kan dan tot de getoonde tijd geen nieuw gesprek worden gestart. Het adres zelf wordt nergens getoond.',
    createdAt: 'Geblokkeerd op', until: 'Tot', reason: 'Reden', blockedBy: 'Door', actions: 'Actie',
    reasons: { abusive: 'Grof of beledigend', threatening: 'Bedreigend', prank: 'Nepgesprek of grap', other: 'Anders' },
    lift: 'Opheffen', liftLabel: (b) => `Opheffen: blokkade tot ${b}`,
    confirmTitle: 'Blokkade opheffen?', confirm: 'Vanaf dat adres kan dan meteen weer een gesprek worden gestart.', confirmYes: 'Ja, opheffen', cancel: 'Annuleren',
    lifted: 'De blokkade is opgeheven.', gone: 'Deze blokkade was al opgeheven of verlopen.',
    none: 'Er zijn geen blokkades.', failed: 'Dat lukte niet.'
  },
  en: {
    title: 'Blocks', back: 'Back to the console',
    intro: 'An expert can block a contact seeker who is abusive, threatening or chatting as a prank. No new conversation can then start from that address until the time shown. The address itself is never shown.',
    createdAt: 'Blocked at', until: 'Until', reason: 'Reason', blockedBy: 'By', actions: 'Action',
    reasons: { abusive: 'Abusive or offensive', threatening: 'Threatening', prank: 'Fake chat or prank', other: 'Other' },
    lift: 'Lift', liftLabel: (b) => `Lift: block until ${b}`,
    confirmTitle: 'Lift this block?', confirm: 'A conversation can then start from that address right away.', confirmYes: 'Yes, lift it', cancel: 'Cancel',
    lifted: 'The block has been lifted.', gone: 'This block had already been lifted or has expired.',
    none: 'There are no blocks.', failed: 'That did not work.'
  }
}[lang];

const heading = h('h1', { tabindex: '-1' }, t.title);
const status = h('p', { class: 'status-line', role: 'status', 'aria-live': 'polite' });
const list = h('div', {});

const call = apiCaller('/console/blocks', t.failed);

function say(text, error = false) { status.textContent = text; status.classList.toggle('error', error); }

const when = (iso) => new Date(iso).toLocaleString(locale, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });

async function lift(b, index, opener) {
  if (!await askConfirm({ title: t.confirmTitle, text: t.confirm, yes: t.confirmYes, no: t.cancel, danger: true, opener })) return;
  try {
    await call('DELETE', `/api/blocks/${encodeURIComponent(b.id)}`);
    say(t.lifted);
  } catch (e) {
    if (e.status === 404) say(t.gone);
    else { say(e.message, true); return; }
  }
  await load();
  // The row and its button are gone: focus the next row's button, or the heading when the list is empty.
  const buttons = list.querySelectorAll('button.lift');
  (buttons[Math.min(index, buttons.length - 1)] || heading).focus();
}

function row(b, index) {
  return h('tr', {},
    h('td', {}, h('time', { datetime: b.createdAt }, when(b.createdAt))),
    h('td', {}, h('time', { datetime: b.until }, when(b.until))),
    h('td', {}, t.reasons[b.reason] ?? b.reason),
    h('td', {}, b.blockedBy),
    h('td', {}, h('button', { type: 'button', class: 'secondary lift', 'aria-label': t.liftLabel(when(b.until)), onclick: (ev) => lift(b, index, ev.currentTarget) }, t.lift)));
}

async function load() {
  const blocks = await call('GET', '/api/blocks');
  if (blocks.length === 0) { fill(list, h('p', { class: 'empty-list' }, t.none)); return; }
  fill(list, h('table', { class: 'report-table blocks-table' },
    h('thead', {}, h('tr', {}, [t.createdAt, t.until, t.reason, t.blockedBy, t.actions].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, blocks.map(row))));
}

fill(root,
  h('header', { class: 'bar no-print' }, h('div', { class: 'bar-left' }, h('strong', { class: 'product' }, t.title)),
    h('nav', { class: 'bar-right' }, h('a', { href: '/console' }, t.back))),
  h('main', { class: 'stats-main' }, heading, h('p', { class: 'muted intro' }, t.intro), status, list));
load().catch((e) => say(e.message, true));
