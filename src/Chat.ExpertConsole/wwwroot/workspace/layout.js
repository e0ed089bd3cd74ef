// The workspace's frame: the bar (availability, menu), the side column and the main area.
import { h } from '../dom.js';
import { setAvailability } from './availability.js';
import { registerOther, showMyForms } from './forms.js';
import { app, els, t } from './state.js';

export function layout() {
  els.availability = h('div', { class: 'segmented', role: 'radiogroup', 'aria-label': t.availability },
    ['available', 'paused', 'offline'].map((a) => h('button', {
      type: 'button', role: 'radio', class: `seg seg-${a}`, dataset: { value: a }, 'aria-checked': 'false',
      onclick: () => setAvailability(a), onkeydown: segmentKeys
    }, t[a])));
  els.name = h('span', { class: 'who' });
  els.conn = h('div', { class: 'conn', role: 'status', hidden: true }, t.reconnecting);
  els.queue = h('div', { class: 'queue-summary', 'aria-live': 'polite' });
  els.coolDown = h('section', { class: 'cool-down', hidden: true, 'aria-labelledby': 'cool-down-title' });
  els.debriefs = app.dataset.coordinator === 'true'
    ? h('section', { class: 'side-box debriefs', 'aria-labelledby': 'debriefs-title' }) : null;
  els.chatList = h('ul', { class: 'chat-list' });
  els.formsList = h('ul', { class: 'forms-list' });
  els.formsBox = h('section', { class: 'side-box reminders', hidden: true, 'aria-labelledby': 'forms-title' },
    h('h2', { id: 'forms-title' }, t.formsToDo), els.formsList);
  els.main = h('main', { class: 'workspace', id: 'main', 'aria-label': t.openChat });
  els.toast = h('div', { class: 'toast', role: 'status', 'aria-live': 'polite', hidden: true });
  // Said politely to screen readers: a message in a chat that is not on screen.
  els.announce = h('div', { class: 'sr-only', role: 'status', 'aria-live': 'polite' });
  // On a phone the links and buttons of the bar fold away behind one button (CSS shows it there only).
  els.nav = h('nav', { class: 'bar-right', id: 'console-menu', 'aria-label': t.menu },
    h('button', { type: 'button', class: 'secondary', onclick: registerOther }, t.register),
    h('button', { type: 'button', class: 'secondary', onclick: showMyForms }, t.myForms),
    h('a', { class: 'secondary button', href: '/console/roster' }, t.roster),
    h('a', { class: 'secondary button', href: '/console/mailbox', id: 'mailbox-link' }, t.mailboxPage),
    app.dataset.coordinator === 'true' ? h('a', { class: 'secondary button', href: '/console/statistics' }, t.statistics) : null,
    app.dataset.coordinator === 'true' ? h('a', { class: 'secondary button', href: '/console/accounts' }, t.accounts) : null,
    app.dataset.coordinator === 'true' ? h('a', { class: 'secondary button', href: '/console/blocks' }, t.blocks) : null,
    app.dataset.coordinator === 'true' ? h('a', { class: 'secondary button', href: '/console/replies' }, t.repliesPage) : null,
    app.dataset.coordinator === 'true' ? h('a', { class: 'secondary button', href: '/console/triage' }, t.triagePage) : null,
    app.dataset.admin === 'true' ? h('a', { class: 'secondary button', href: '/console/projects' }, t.projectsPage) : null,
    h('a', { class: 'link', href: '/console/password' }, t.changePassword),
    h('a', { class: 'link', href: '/console/two-factor' }, t.twoFactor),
    h('button', { type: 'button', class: 'link', onclick: () => document.getElementById('logout-form').submit() }, t.signOut));
  const menuButton = h('button', { type: 'button', class: 'secondary menu-toggle', 'aria-expanded': 'false', 'aria-controls': 'console-menu',
    onclick: () => {
      const open = els.nav.classList.toggle('open');
      menuButton.setAttribute('aria-expanded', String(open));
    } }, t.menu);

  app.replaceChildren(
    h('header', { class: 'bar' },
      h('div', { class: 'bar-left' }, h('h1', { class: 'product' }, t.console), els.name),
      h('div', { class: 'bar-mid' }, els.availability, menuButton),
      els.nav),
    els.conn,
    els.coolDown,
    h('div', { class: 'columns' },
      h('aside', { class: 'side' },
        h('section', { class: 'side-box', 'aria-labelledby': 'queue-title' }, h('h2', { id: 'queue-title', tabindex: '-1' }, t.queue), els.queue),
        h('section', { class: 'side-box', 'aria-labelledby': 'chats-title' }, h('h2', { id: 'chats-title' }, t.myChats), els.chatList),
        els.formsBox,
        els.debriefs,
        h('p', { class: 'muted small' }, t.availabilityHelp)),
      els.main),
    els.toast, els.announce);
}

export function segmentKeys(ev) {
  const order = ['available', 'paused', 'offline'];
  const i = order.indexOf(ev.currentTarget.dataset.value);
  if (ev.key === 'ArrowRight' || ev.key === 'ArrowDown') { ev.preventDefault(); focusSeg(order[(i + 1) % 3]); }
  if (ev.key === 'ArrowLeft' || ev.key === 'ArrowUp') { ev.preventDefault(); focusSeg(order[(i + 2) % 3]); }
}
export function focusSeg(a) { els.availability.querySelector(`[data-value=${a}]`).focus(); }
