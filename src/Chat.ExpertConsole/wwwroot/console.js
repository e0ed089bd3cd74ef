// The expert console's live workspace: availability, the queue summary, assigned chats, and the contact
// form after each chat. Messages are rendered as text only.
import { texts, duration } from './i18n.js';
import { h, fill } from './dom.js';
import { openContactForm } from './contact-form.js';
import { attachReplyPicker, openReferralDialog } from './replies-picker.js';
import { TRY_AGAIN, backoff, hubConnection, hubError, newId } from '/_content/Chat.Widget/shared/hub-client.js';

const app = document.getElementById('app');
const lang = app.dataset.lang === 'en' ? 'en' : 'nl';
const t = texts[lang];

const state = {
  me: null,
  availability: 'offline',
  queue: { waiting: 0, longestWaitSeconds: 0 },
  queueStatus: null,     // GetQueueStatus: why the waiting visitors are not mine (null while nobody waits)
  coolDownUntil: null,   // the pause after a chat: no new chat until then (iso), or null
  heavyAsked: new Set(), // conversations of which "dit gesprek was zwaar" was sent
  lastEnded: null,       // the chat that ended last (the pause after it offers the same button)
  debriefs: [],          // coordinators: who asked to talk a conversation over
  chats: new Map(),      // conversationId -> { visitor, startedAt, messages: Map(seq -> msg), connected, typing, ended, pending: Map }
  selected: null,
  pendingForms: [],
  unseen: 0,             // new chats not yet seen (title)
  unseenMessages: 0,     // visitor messages that came while the tab was hidden (title)
  connected: false,
  connection: null,
  loaded: false          // GetState has answered once: what a later reload finds new came while events were missed
};

// ---- layout -------------------------------------------------------------------------------------

const els = {};
function layout() {
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
    app.dataset.coordinator === 'true' ? h('a', { class: 'secondary button', href: '/console/statistics' }, t.statistics) : null,
    app.dataset.coordinator === 'true' ? h('a', { class: 'secondary button', href: '/console/accounts' }, t.accounts) : null,
    app.dataset.coordinator === 'true' ? h('a', { class: 'secondary button', href: '/console/blocks' }, t.blocks) : null,
    app.dataset.coordinator === 'true' ? h('a', { class: 'secondary button', href: '/console/replies' }, t.repliesPage) : null,
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

function segmentKeys(ev) {
  const order = ['available', 'paused', 'offline'];
  const i = order.indexOf(ev.currentTarget.dataset.value);
  if (ev.key === 'ArrowRight' || ev.key === 'ArrowDown') { ev.preventDefault(); focusSeg(order[(i + 1) % 3]); }
  if (ev.key === 'ArrowLeft' || ev.key === 'ArrowUp') { ev.preventDefault(); focusSeg(order[(i + 2) % 3]); }
}
function focusSeg(a) { els.availability.querySelector(`[data-value=${a}]`).focus(); }

// ---- rendering ----------------------------------------------------------------------------------

// Availability can only change while connected: until then the buttons are disabled and the banner shows.
function setConnected(connected) {
  state.connected = connected;
  els.conn.hidden = connected;
  renderAvailability();
}

function renderAvailability() {
  for (const b of els.availability.children) {
    b.disabled = !state.connected;
    const on = b.dataset.value === state.availability;
    b.setAttribute('aria-checked', String(on));
    b.classList.toggle('on', on);
    b.tabIndex = on ? 0 : -1;
  }
}

const locale = lang === 'en' ? 'en-GB' : 'nl-NL';
const clock = (iso) => new Date(iso).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });

function renderQueue() {
  const q = state.queue;
  const why = q.waiting > 0 && state.queueStatus?.notYours ? t.notYours(state.queueStatus, clock) : null;
  fill(els.queue,
    h('p', { class: 'big' }, t.waiting(q.waiting)),
    q.waiting > 0 ? h('p', { class: 'muted' }, t.longest(q.longestWaitSeconds)) : null,
    why ? h('p', { class: 'why-not' }, why) : null);
}

// Why the waiting visitors are not mine: asked again (debounced) whenever the queue or my own situation changes.
function refreshQueueStatus() {
  clearTimeout(refreshQueueStatus.timer);
  refreshQueueStatus.timer = setTimeout(async () => {
    if (state.queue.waiting === 0) { state.queueStatus = null; renderQueue(); return; }
    try { state.queueStatus = await state.connection.invoke('GetQueueStatus'); } catch { state.queueStatus = null; }
    renderQueue();
  }, 400);
}

// The pause after a chat: a calm line with the time it ends and a button to end it early. Gone by itself when the time
// has passed (the server then routes to me again; the queue line is asked again).
function setCoolDown(until) {
  state.coolDownUntil = until && new Date(until) > new Date() ? until : null;
  clearTimeout(setCoolDown.timer);
  if (state.coolDownUntil) {
    setCoolDown.timer = setTimeout(() => setCoolDown(null), Math.min(new Date(state.coolDownUntil) - new Date() + 250, 2 ** 31 - 1));
  }
  renderCoolDown();
  refreshQueueStatus();
}

function renderCoolDown() {
  const until = state.coolDownUntil;
  const hadFocus = els.coolDown.contains(document.activeElement);
  els.coolDown.hidden = !until;
  if (!until) {
    els.coolDown.replaceChildren();
    if (hadFocus) document.getElementById('queue-title')?.focus();
    return;
  }
  fill(els.coolDown,
    h('h2', { id: 'cool-down-title', class: 'sr-only' }, t.coolDownTitle),
    h('p', {}, t.coolDown(clock(until))),
    h('div', { class: 'cool-down-actions' },
      h('button', { type: 'button', class: 'primary', onclick: endCoolDown }, t.coolDownReady),
      // Once said, the confirmation stays with the chat itself; the pause does not repeat it.
      state.heavyAsked.has(state.lastEnded) ? null : heavyControl(state.lastEnded)));
}

async function endCoolDown() {
  try {
    await state.connection.invoke('EndCoolDown');
    setCoolDown(null);
  } catch (err) { toast(errorText(err)); }
}

// "Dit gesprek was zwaar": a button, and once asked a calm line saying the coordinator will get in touch.
function heavyControl(conversationId) {
  if (state.heavyAsked.has(conversationId)) return h('p', { class: 'heavy-asked' }, t.heavyAsked);
  return h('button', { type: 'button', class: 'secondary heavy', onclick: () => requestDebrief(conversationId) }, t.heavy);
}

async function requestDebrief(conversationId) {
  try {
    await state.connection.invoke('RequestDebrief', conversationId);
    state.heavyAsked.add(conversationId);
    const hadFocus = document.activeElement?.classList.contains('heavy');
    renderCoolDown(); renderMain(false);
    // The button became the confirmation: focus goes there (read out), or to the chat when the pause asked it.
    const said = document.querySelector('.chat-actions .heavy-asked');
    if (said) { said.tabIndex = -1; if (hadFocus) said.focus(); } else if (hadFocus) toast(t.heavyAsked);
    if (els.debriefs) loadDebriefs();
  } catch { toast(t.heavyFailed); }
}

// Coordinators: who asked to talk a conversation over, and when (to the hour). Nothing of any chat.
async function loadDebriefs() {
  if (!els.debriefs) return;
  try {
    const r = await fetch('/api/debriefs', { credentials: 'same-origin' });
    if (!r.ok) return;
    state.debriefs = await r.json();
  } catch { return; }
  renderDebriefs();
}

function renderDebriefs(focusIndex = null) {
  const when = (iso) => roundedHour(iso);
  fill(els.debriefs,
    h('h2', { id: 'debriefs-title', tabindex: '-1' }, t.debriefsTitle),
    state.debriefs.length === 0 ? h('p', { class: 'muted' }, t.debriefsNone) : [
      h('p', { class: 'muted small' }, t.debriefsIntro),
      h('ul', { class: 'debrief-list' }, state.debriefs.map((d, i) => h('li', {},
        h('span', {}, h('strong', {}, d.displayName), ' · ', h('time', { datetime: d.requestedAt }, when(d.requestedAt))),
        h('button', { type: 'button', class: 'secondary small', 'aria-label': t.debriefDoneLabel(d.displayName, when(d.requestedAt)),
          onclick: () => debriefDone(d, i) }, t.debriefDone))))]);
  if (focusIndex !== null) {
    const buttons = els.debriefs.querySelectorAll('button');
    (buttons[Math.min(focusIndex, buttons.length - 1)] || document.getElementById('debriefs-title')).focus();
  }
}

async function debriefDone(d, index) {
  try {
    const r = await fetch(`/api/debriefs/${encodeURIComponent(d.id)}`, { method: 'DELETE', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' } });
    if (r.status === 404) toast(t.debriefGone);
    else if (!r.ok) { toast(t.heavyFailed); return; }
  } catch { toast(t.heavyFailed); return; }
  state.debriefs = state.debriefs.filter((x) => x.id !== d.id);
  renderDebriefs(index);
}

const chatName = (c) => `${t.visitor} · ${new Date(c.startedAt).toLocaleTimeString(lang === 'en' ? 'en-GB' : 'nl-NL', { hour: '2-digit', minute: '2-digit' })}`;

function renderChatList() {
  const items = [...state.chats.entries()].map(([id, c]) => h('li', {},
    h('button', { type: 'button', class: 'chat-item' + (id === state.selected ? ' selected' : '') + (c.ended ? ' ended' : '') + (c.unread ? ' unread' : ''),
      'aria-current': id === state.selected ? 'true' : null, onclick: () => select(id) },
      h('span', {}, chatName(c)),
      c.visitor?.urgent?.reason === 'answer' ? h('span', { class: 'urgent-tag' }, t.urgentShort) : null,
      c.unread ? h('span', { class: 'badge' }, h('span', { 'aria-hidden': 'true' }, String(c.unread)), h('span', { class: 'sr-only' }, t.unread(c.unread))) : null)));
  els.chatList.replaceChildren(...(items.length ? items : [h('li', { class: 'muted' }, t.noChats)]));
}

function renderForms() {
  els.formsBox.hidden = state.pendingForms.length === 0;
  els.formsList.replaceChildren(...state.pendingForms.map((p) => h('li', {},
    h('span', {}, roundedHour(p.occurredAt), ` · ${p.durationMinutes} min`),
    h('button', { type: 'button', class: 'secondary small', onclick: () => fillForm(p) }, t.fillIn))));
}

// Contact times are kept to the hour only: say the day and that the hour is rounded ("di 30 nov, rond 14:00").
function roundedHour(iso) {
  const d = new Date(iso);
  const locale = lang === 'en' ? 'en-GB' : 'nl-NL';
  const day = d.toLocaleDateString(locale, { weekday: 'short', day: 'numeric', month: 'short' });
  const hour = d.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
  return t.aroundHour(day, hour);
}

function label(map, key) { return map[key] ?? key ?? t.unknown; }

function renderMain(focus = true) {
  const c = state.chats.get(state.selected);
  if (!c) {
    els.main.replaceChildren(h('div', { class: 'empty' },
      h('p', {}, state.availability === 'available' ? t.noChatSelected : t.offlineHint)));
    return;
  }
  const v = c.visitor;
  const info = h('dl', { class: 'visitor-info' },
    h('div', {}, h('dt', {}, t.about), h('dd', {}, label(t.aboutLabels, v.about))),
    h('div', {}, h('dt', {}, t.preferred), h('dd', {}, label(t.preferredLabels, v.preferredExperience))),
    h('div', {}, h('dt', {}, t.preferredGender), h('dd', {}, label(t.genderLabels, v.preferredGender ?? 'any'))),
    h('div', {}, h('dt', {}, t.followUp), h('dd', {}, v.followUp === true ? t.yes : v.followUp === false ? t.no : t.unknown)),
    h('div', {}, h('dt', {}, t.referral), h('dd', {}, v.referral || t.unknown)),
    h('div', {}, h('dt', {}, t.waited), h('dd', {}, duration(v.waitedSeconds))));
  c.list = h('ol', { class: 'messages', 'aria-live': 'polite', 'aria-label': t.visitor });
  for (const m of [...c.messages.values()].sort((a, b) => a.seq - b.seq)) c.list.append(messageItem(m, c));
  for (const p of c.pending.values()) c.list.append(pendingItem(p));
  c.typingEl = h('p', { class: 'typing', hidden: !c.typing }, t.typing);
  const status = c.ended ? h('p', { class: 'notice' }, t.ended(c.endedBy))
    : !c.connected ? h('p', { class: 'notice warn' }, v.urgent?.reason === 'answer' ? t.visitorGoneDanger : t.visitorGone) : null;
  // Triage: why this visitor went first (said they are in danger now, or waited long).
  const urgent = v.urgent ? h('p', { class: 'urgent-badge' + (v.urgent.reason === 'answer' ? ' danger' : '') }, t.urgent[v.urgent.reason] ?? v.urgent.reason) : null;
  const box = h('textarea', { id: 'reply', rows: 3, maxlength: 2000, placeholder: t.messagePlaceholder, 'aria-label': t.messagePlaceholder, disabled: c.ended });
  box.value = c.draft || '';
  box.addEventListener('input', () => { c.draft = box.value; typing(state.selected, true); });
  const replyAnchor = h('div', { class: 'reply-anchor' });
  const toggleReplies = attachReplyPicker({ box, t, lang, anchor: replyAnchor }); // its keys go before Enter-to-send
  box.addEventListener('keydown', (e) => { if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); send(); } });
  const conversationId = state.selected;
  const composer = h('form', { class: 'composer', onsubmit: (e) => { e.preventDefault(); send(); } },
    replyAnchor, box,
    h('div', { class: 'composer-buttons' },
      h('button', { type: 'submit', class: 'primary', disabled: c.ended }, t.send),
      h('button', { type: 'button', class: 'secondary small replies-button', 'aria-controls': 'reply-list', disabled: c.ended,
        title: t.repliesButtonHint, onclick: toggleReplies }, t.repliesButton),
      h('button', { type: 'button', class: 'secondary small refer-button', disabled: c.ended,
        onclick: (e) => openReferralDialog({ t, opener: e.currentTarget, send: (card) => sendReferral(conversationId, card) }) }, t.refer)));
  fill(els.main,
    h('div', { class: 'chat-top' }, h('h2', {}, t.visitor), urgent, info,
      c.ended ? h('div', { class: 'chat-actions' }, heavyControl(state.selected),
        formFor(state.selected) ? h('button', { type: 'button', class: 'secondary', onclick: () => fillForm(formFor(state.selected)) }, t.fillIn) : null)
      : h('div', { class: 'chat-actions' },
        h('button', { type: 'button', class: 'secondary', onclick: () => transferChat(state.selected) }, t.transfer),
        h('button', { type: 'button', class: 'danger', onclick: () => endChat(state.selected) }, t.endChat),
        h('button', { type: 'button', class: 'secondary block', onclick: (e) => blockChat(state.selected, e.currentTarget) }, t.block),
        heavyControl(state.selected))),
    status, c.list, c.typingEl, composer);
  c.list.scrollTop = c.list.scrollHeight;
  if (!c.ended && focus) box.focus();
}

const formFor = (conversationId) => state.pendingForms.find((p) => p.conversationId === conversationId);

function messageItem(m, chat) {
  // After a transfer the history holds a colleague's words: written before this chat came to me.
  const mine = m.from === 'expert' && !(chat?.startedAt && new Date(m.sentAt) < new Date(chat.startedAt));
  const who = m.from === 'expert' ? (mine ? t.me : t.colleague) : m.from === 'visitor' ? t.them : t.system;
  const time = new Date(m.sentAt).toLocaleTimeString(lang === 'en' ? 'en-GB' : 'nl-NL', { hour: '2-digit', minute: '2-digit' });
  return h('li', { class: `msg ${m.from}${m.from === 'expert' && !mine ? ' colleague' : ''}${m.card ? ' card' : ''}`, dataset: { seq: String(m.seq) } },
    h('span', { class: 'text' }, m.text), h('span', { class: 'meta' }, `${who} · ${time}${m.card ? ' · ' + t.referralSent : ''}`));
}
function pendingItem(p) {
  return h('li', { class: 'msg expert pending', dataset: { clientId: p.id } },
    h('span', { class: 'text' }, p.text), h('span', { class: 'meta' }, `${t.me} · ${t.notSent}`));
}

// What a failed hub call says to the expert: the hub's own text (without its code), or that the connection is being restored.
const errorText = (err) => hubError(err)?.text ?? t.reconnecting;

function toast(text) {
  els.toast.textContent = text;
  els.toast.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { els.toast.hidden = true; }, 4000);
}

// ---- notices (sound and tab title) --------------------------------------------------------------

const baseTitle = document.title;
function showTitle() {
  const count = state.unseen + state.unseenMessages;
  document.title = count === 0 ? baseTitle : `(${count}) ${state.unseen > 0 ? t.newChat : t.newMessageTitle} – ${baseTitle}`;
}
// A visitor wrote while this tab is hidden (any chat, also the one on screen): the count goes into the title.
function notifyHiddenMessage() {
  if (!document.hidden) return;
  state.unseenMessages++;
  showTitle();
}
function notifyNewChat() {
  state.unseen++;
  showTitle();
  try {
    const ctx = new AudioContext();
    const play = (freq, at) => {
      const o = ctx.createOscillator(); const g = ctx.createGain();
      o.frequency.value = freq; o.connect(g); g.connect(ctx.destination);
      g.gain.setValueAtTime(0.0001, ctx.currentTime + at);
      g.gain.exponentialRampToValueAtTime(0.2, ctx.currentTime + at + 0.02);
      g.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + at + 0.35);
      o.start(ctx.currentTime + at); o.stop(ctx.currentTime + at + 0.4);
    };
    play(660, 0); play(880, 0.25);
  } catch { /* no sound available */ }
}
function clearNotice() { state.unseen = 0; state.unseenMessages = 0; showTitle(); }
window.addEventListener('focus', clearNotice);
document.addEventListener('visibilitychange', () => { if (!document.hidden) clearNotice(); });

// ---- hub ----------------------------------------------------------------------------------------

function chatFrom(conv) {
  return {
    visitor: conv.visitor, startedAt: conv.startedAt, connected: conv.visitorConnected ?? true,
    messages: new Map((conv.messages || []).map((m) => [m.seq, m])), pending: new Map(),
    typing: false, ended: false, unread: 0, draft: ''
  };
}

function select(id) {
  state.selected = id;
  const c = state.chats.get(id);
  if (c) c.unread = 0;
  renderChatList();
  renderMain();
}

function addMessage(m) {
  const c = state.chats.get(m.conversationId);
  if (!c || c.messages.has(m.seq)) return;
  // A hole in the sequence: a message still on its way (two senders' messages can arrive out of order), or an event
  // lost between nodes. If the hole is still there a moment later, reload the state, which has every message.
  const highest = Math.max(0, ...c.messages.keys());
  if (m.seq > highest + 1 && !state.reloading) {
    state.reloading = true;
    setTimeout(() => {
      const hole = Math.max(0, ...c.messages.keys()) > c.messages.size;
      (hole ? reload() : Promise.resolve()).finally(() => { state.reloading = false; });
    }, 1500);
  }
  c.messages.set(m.seq, m);
  if (m.from === 'expert') c.pending.delete(m.clientMessageId);
  if (m.from === 'visitor') c.typing = false;
  if (state.selected === m.conversationId && c.list) {
    c.list.querySelector(`li[data-client-id="${CSS.escape(m.clientMessageId)}"]`)?.remove();
    const after = [...c.list.children].find((li) => li.dataset.seq && Number(li.dataset.seq) > m.seq);
    c.list.insertBefore(messageItem(m, c), after || c.list.querySelector('li.pending'));
    c.typingEl.hidden = true;
    c.list.scrollTop = c.list.scrollHeight;
  } else if (m.from === 'visitor') {
    // Another chat than the one on screen: a count on its item in the list, said once to screen readers.
    c.unread = (c.unread || 0) + 1;
    renderChatList();
    els.announce.textContent = t.newMessageIn(chatName(c));
  }
  if (m.from === 'visitor') notifyHiddenMessage();
}

function connect() {
  const c = hubConnection('/hubs/expert');
  c.on('ChatAssigned', (e) => {
    state.chats.set(e.conversationId, chatFrom({ ...e, visitorConnected: true }));
    notifyNewChat();
    if (!state.selected || state.chats.get(state.selected)?.ended) select(e.conversationId);
    else renderChatList();
  });
  c.on('MessageReceived', addMessage);
  c.on('TypingChanged', (e) => {
    const chat = state.chats.get(e.conversationId);
    if (!chat || e.from !== 'visitor') return;
    chat.typing = e.isTyping;
    if (state.selected === e.conversationId && chat.typingEl) chat.typingEl.hidden = !e.isTyping;
  });
  c.on('VisitorConnectionChanged', (e) => {
    const chat = state.chats.get(e.conversationId);
    if (!chat) return;
    chat.connected = e.connected;
    if (state.selected === e.conversationId) renderMain();
  });
  c.on('ChatEnded', (e) => {
    const chat = state.chats.get(e.conversationId);
    if (chat) { chat.ended = true; chat.endedBy = e.blocked ? 'blocked' : e.transferred ? 'transferred' : e.endedBy; }
    // A blocked chat needs no contact form, whatever else the event carries.
    const form = e.blocked ? null : e.form;
    if (form && !state.pendingForms.some((p) => p.conversationId === form.conversationId)) state.pendingForms.push(form);
    renderChatList(); renderForms();
    if (state.selected === e.conversationId) renderMain();
    if (!e.transferred) state.lastEnded = e.conversationId;
    setCoolDown(e.coolDownUntil ?? null);
    // The form opens at once only when no other chat is running: it must never cover a conversation or take its typing.
    const othersRunning = [...state.chats.entries()].some(([id, other]) => id !== e.conversationId && !other.ended);
    if (form && othersRunning) toast(t.formWaiting);
    else if (form) fillForm(form);
  });
  c.on('QueueChanged', (q) => { state.queue = q; renderQueue(); refreshQueueStatus(); });
  c.on('AvailabilityChanged', (a) => { state.availability = a.availability; renderAvailability(); renderMain(); refreshQueueStatus(); });
  // The server may have missed events for us (its link to the other servers was down): reload the whole state.
  c.on('Resync', () => setTimeout(reload, Math.random() * 3000));
  // This account's sessions were ended (password, roles or disabled changed): sign in again, unless this browser is
  // the one that changed the password (it holds the new cookie, and the closed connection simply reconnects).
  c.on('SignedOut', async () => {
    const me = await fetch('/api/auth/me', { credentials: 'same-origin' }).catch(() => null);
    if (!me || me.status === 401) location.href = '/console/login?returnUrl=/console';
  });
  c.onreconnecting(() => setConnected(false));
  c.onreconnected(async () => { await reload(); setConnected(true); });
  c.onclose(() => { setConnected(false); setTimeout(start, 2000); });
  state.connection = c;
}

async function start() {
  for (let attempt = 0; ; attempt++) {
    try {
      // Started already when only the state failed to load (the store briefly unavailable): read that again.
      if (state.connection.state === signalR.HubConnectionState.Disconnected) await state.connection.start();
      await loadState();
      setConnected(true);
      return;
    } catch (err) {
      if (/401|403/.test(String(err?.message))) { location.href = '/console/login?returnUrl=/console'; return; }
      setConnected(false);
      await new Promise((r) => setTimeout(r, backoff({ previousRetryCount: attempt })));
    }
  }
}

// Reads the whole state (at the start, after a reconnect, on Resync, when a message went missing) and brings the screen
// in line with it. A ChatAssigned or ChatEnded that never arrived is made up for as the event would have done: a chat
// that came meanwhile is announced (title, sound) and shown unless another runs on screen; one that ended meanwhile
// shows as ended and its contact form opens (or waits in the list while another chat runs).
async function loadState() {
  const s = await state.connection.invoke('GetState');
  const announce = state.loaded;
  state.loaded = true;
  state.availability = s.availability;
  state.queue = s.queue;
  state.pendingForms = s.pendingForms || [];
  const live = new Set(s.conversations.map((c) => c.conversationId));
  const came = [];
  for (const conv of s.conversations) {
    const existing = state.chats.get(conv.conversationId);
    const fresh = chatFrom(conv);
    if (existing) { fresh.pending = existing.pending; fresh.draft = existing.draft; fresh.unread = existing.unread; }
    else came.push(conv.conversationId);
    state.chats.set(conv.conversationId, fresh);
  }
  const ended = [];
  // Who ended it is not known here (the event with it was missed): the neutral "ended" text.
  for (const [id, c] of state.chats) if (!live.has(id) && !c.ended) { c.ended = true; c.endedBy = null; ended.push(id); }
  if (ended.length) state.lastEnded = ended.at(-1);
  const onScreen = state.chats.get(state.selected);
  if (!onScreen || (onScreen.ended && came.length)) state.selected = came[0] ?? s.conversations[0]?.conversationId ?? null;
  const shown = state.chats.get(state.selected);
  if (shown) shown.unread = 0;
  if (announce && came.length) notifyNewChat();
  renderAvailability(); renderQueue(); renderChatList(); renderForms(); renderMain();
  setCoolDown(s.coolDownUntil ?? null);
  const form = ended.map(formFor).find(Boolean);
  if (form && [...state.chats.values()].some((c) => !c.ended)) toast(t.formWaiting);
  else if (form) fillForm(form);
  // Resend what was typed but not acknowledged before the connection broke (same ids: stored once).
  for (const [id, c] of state.chats) for (const p of c.pending.values()) trySend(id, p);
}

// loadState, tried again a little later while it fails (the store briefly unavailable) and the connection stands; after
// a reconnect it runs anyway.
async function reload(attempt = 0) {
  try {
    await loadState();
  } catch {
    if (state.connection.state === signalR.HubConnectionState.Connected) setTimeout(() => reload(attempt + 1), backoff({ previousRetryCount: attempt }));
  }
}

// ---- actions ------------------------------------------------------------------------------------

async function setAvailability(a) {
  try {
    const r = await state.connection.invoke('SetAvailability', a);
    state.availability = r.availability;
    renderAvailability(); renderMain();
    focusSeg(a);
    refreshQueueStatus();
  } catch { toast(t.reconnecting); }
}

function send() {
  const id = state.selected;
  const c = state.chats.get(id);
  const box = document.getElementById('reply');
  const text = box.value.trim();
  if (!c || c.ended || !text) return;
  const p = { id: newId(), text };
  c.pending.set(p.id, p);
  c.list.append(pendingItem(p));
  c.list.scrollTop = c.list.scrollHeight;
  box.value = ''; c.draft = '';
  typing(id, false);
  trySend(id, p);
}

async function trySend(conversationId, p) {
  try {
    const ack = await state.connection.invoke('SendMessage', conversationId, p.id, p.text);
    const c = state.chats.get(conversationId);
    if (c && !c.messages.has(ack.seq)) addMessage({ conversationId, seq: ack.seq, clientMessageId: p.id, from: 'expert', text: p.text, sentAt: ack.sentAt });
  } catch (err) {
    const e = hubError(err);
    if (e?.code === TRY_AGAIN) {
      // Briefly unavailable: it stays "not sent yet" and goes again with the same id (stored once).
      setTimeout(() => { if (state.chats.get(conversationId)?.pending.has(p.id)) trySend(conversationId, p); }, 3000);
    } else if (e) {
      state.chats.get(conversationId)?.pending.delete(p.id);
      toast(e.text);
      if (state.selected === conversationId) renderMain();
    }
  }
}

let typingState = { id: null, at: 0, timer: null };
function typing(id, isTyping) {
  const c = state.connection;
  if (!c || c.state !== signalR.HubConnectionState.Connected) return;
  const now = Date.now();
  clearTimeout(typingState.timer);
  if (isTyping) {
    typingState.timer = setTimeout(() => typing(id, false), 4000);
    if (typingState.id === id && now - typingState.at < 3000) return;
    typingState = { id, at: now, timer: typingState.timer };
  } else typingState = { id: null, at: 0, timer: null };
  c.invoke('Typing', id, isTyping).catch(() => {});
}

// A referral card goes out as it is (the coordinator keeps its words); the message comes back as MessageReceived.
async function sendReferral(conversationId, card) {
  try {
    await state.connection.invoke('SendReferral', conversationId, newId(), card.id);
    return true;
  } catch (err) {
    toast(errorText(err));
    return false;
  }
}

async function endChat(id) {
  if (!confirm(t.endConfirm)) return;
  try { await state.connection.invoke('EndChat', id); } catch (err) { toast(errorText(err)); }
}

async function transferChat(id) {
  if (!confirm(t.transferConfirm)) return;
  try { await state.connection.invoke('TransferChat', id); } catch (err) { toast(errorText(err)); }
}

// Blocking ends the chat and keeps the visitor's address from starting a new one for a while. A modal <dialog>:
// focus moves into it, Esc cancels, and focus goes back to the button (or, once the chat has ended, to the chat).
function blockChat(id, opener) {
  if (document.querySelector('dialog[open]')) return;
  const error = h('p', { class: 'field-error', id: 'block-error', role: 'alert', hidden: true });
  const radios = Object.entries(t.blockReasons).map(([k, v]) =>
    h('label', {}, h('input', { type: 'radio', name: 'block-reason', value: k, onchange: () => { error.hidden = true; } }), ' ', v));
  const confirmButton = h('button', { type: 'submit', class: 'danger' }, t.blockConfirm);
  const cancelButton = h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, t.blockCancel);
  const form = h('form', { class: 'contact-form block-form', novalidate: true },
    h('fieldset', { class: 'field', 'aria-describedby': 'block-error' }, h('legend', {}, t.blockReason),
      h('div', { class: 'choices' }, radios), error),
    h('p', { id: 'block-explain' }, t.blockExplain(Number(app.dataset.blockHours) || 24)),
    h('div', { class: 'actions' }, cancelButton, confirmButton));
  const dialog = h('dialog', { class: 'form-dialog narrow', 'aria-labelledby': 'block-title', 'aria-describedby': 'block-explain' },
    h('h2', { id: 'block-title' }, t.blockTitle), form);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const reason = form.querySelector('input[name=block-reason]:checked')?.value;
    if (!reason) {
      error.textContent = t.blockChooseReason;
      error.hidden = false;
      form.querySelector('input[name=block-reason]').focus();
      return;
    }
    confirmButton.disabled = true; cancelButton.disabled = true;
    try {
      const r = await state.connection.invoke('BlockVisitor', id, reason);
      dialog.close();
      toast(t.blocked(new Date(r.until).toLocaleString(lang === 'en' ? 'en-GB' : 'nl-NL',
        { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' })));
    } catch (err) {
      dialog.close();
      toast(errorText(err));
    }
  });
  dialog.addEventListener('close', () => {
    dialog.remove();
    const back = opener?.isConnected ? opener : els.chatList.querySelector('.chat-item.selected');
    back?.focus();
  });
  document.body.append(dialog);
  dialog.showModal();
}

async function fillForm(prefill) {
  if (document.querySelector('dialog[open]')) return; // one form at a time; the reminder list keeps the rest
  const saved = await openContactForm({ t, lang, prefill });
  if (saved) {
    state.pendingForms = state.pendingForms.filter((p) => p.conversationId !== prefill.conversationId);
    renderForms();
    toast(t.saved);
    for (const [id, c] of state.chats) if (c.ended && id === prefill.conversationId) state.chats.delete(id);
    if (!state.chats.has(state.selected)) state.selected = [...state.chats.keys()][0] ?? null;
    renderChatList(); renderMain();
  }
}

async function registerOther() {
  if (await openContactForm({ t, lang, prefill: null })) toast(t.saved);
}

async function showMyForms() {
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

// ---- start --------------------------------------------------------------------------------------

async function init() {
  layout();
  renderAvailability(); renderQueue(); renderChatList(); renderMain();
  loadDebriefs();
  if (els.debriefs) setInterval(() => { if (!document.hidden) loadDebriefs(); }, 60000);
  const me = await fetch('/api/auth/me', { credentials: 'same-origin' });
  if (me.status === 401) { location.href = '/console/login'; return; }
  state.me = await me.json();
  els.name.textContent = state.me.displayName;
  connect();
  await start();
}

init();
