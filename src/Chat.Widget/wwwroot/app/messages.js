// The conversation: messages rendered as text (never HTML), referral cards, messages not sent yet (kept in
// sessionStorage and sent again with the same id), typing.
import { resume } from './connection.js';
import { $, saveSession, state, t } from './state.js';
import { TRY_AGAIN, hubError, newId } from '/_content/Chat.Widget/shared/hub-client.js';

export function time(iso) {
  const d = iso ? new Date(iso) : new Date();
  return d.toLocaleTimeString(state.lang === 'en' ? 'en-GB' : 'nl-NL', { hour: '2-digit', minute: '2-digit' });
}

export function messageElement(from, text, meta) {
  const li = document.createElement('li');
  li.className = 'msg ' + from;
  const body = document.createElement('span');
  body.className = 'text';
  body.textContent = text;
  const m = document.createElement('span');
  m.className = 'meta';
  m.textContent = meta;
  li.append(body, m);
  return li;
}

// A referral card from the expert: the organisation's name, what it does, when it is reachable, a tap-to-call number and
// its site (a new tab that is not told where the visitor came from). Every part is set as text; the link only when https.
export function cardElement(card, text, meta) {
  const li = document.createElement('li');
  li.className = 'msg expert card';
  const el = (tag, className, content) => {
    const x = document.createElement(tag);
    x.className = className;
    if (content) x.textContent = content;
    return x;
  };
  const body = el('div', 'card-body');
  body.append(el('span', 'card-label', t().cardLabel), el('strong', 'card-name', card.name || text));
  if (card.description) body.append(el('span', 'card-description', card.description));
  if (card.hours) body.append(el('span', 'card-hours', t().cardHours(card.hours)));
  const actions = el('div', 'card-actions');
  const tel = String(card.phone || '').replace(/[^0-9+]/g, '');
  if (tel) {
    const a = el('a', 'card-call', t().cardCall(card.phone));
    a.href = 'tel:' + tel;
    actions.append(a);
  }
  let url = null;
  try { url = card.url ? new URL(card.url) : null; } catch { url = null; }
  if (url && url.protocol === 'https:') {
    const shown = url.hostname.replace(/^www\./, '');
    const a = el('a', 'card-link', shown);
    a.href = url.href;
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
    a.setAttribute('aria-label', t().cardLinkLabel(shown, card.name)); // starts with the visible text (voice control)
    actions.append(a);
  }
  if (actions.childElementCount) body.append(actions);
  li.append(body, el('span', 'meta', meta));
  return li;
}

export function scrollDown() {
  const list = $('messages');
  list.scrollTop = list.scrollHeight;
}

// Marks a seq as seen; a hole below the highest seq (an event lost between nodes) is filled by a resume.
export function see(seq) {
  state.seen.add(seq);
  state.lastSeq = Math.max(state.lastSeq, seq);
  while (state.seen.has(state.contiguous + 1)) state.contiguous++;
  if (state.lastSeq > state.contiguous && !state.gapTimer) {
    state.gapTimer = setTimeout(() => { state.gapTimer = null; if (state.lastSeq > state.contiguous) resume(state.contiguous); }, 1500);
  }
}

export function renderMessage(msg) {
  if (state.seen.has(msg.seq)) return;
  see(msg.seq);
  const pendingEl = msg.from === 'visitor' ? document.querySelector(`li[data-client-id="${CSS.escape(msg.clientMessageId)}"]`) : null;
  const who = msg.from === 'expert' ? (state.expertName || t().expertFallback) + ' · ' : '';
  const el = msg.card && msg.from === 'expert' ? cardElement(msg.card, msg.text, who + time(msg.sentAt)) : messageElement(msg.from, msg.text, who + time(msg.sentAt));
  el.dataset.seq = String(msg.seq);
  if (pendingEl) pendingEl.replaceWith(el);
  else insertInOrder(el, msg.seq);
  if (msg.from === 'visitor') dropPending(msg.clientMessageId);
  scrollDown();
}

export function insertInOrder(el, seq) {
  const list = $('messages');
  const after = [...list.children].find((li) => li.dataset.seq && Number(li.dataset.seq) > seq);
  list.insertBefore(el, after || null);
}

export function renderPending(p) {
  const el = messageElement('visitor', p.text, time());
  el.classList.add('pending');
  el.dataset.clientId = p.id;
  el.querySelector('.meta').dataset.pending = t().notSent;
  $('messages').append(el);
  scrollDown();
}

export function markFailed(id, reason) {
  const el = document.querySelector(`li[data-client-id="${CSS.escape(id)}"]`);
  if (el) {
    el.querySelector('.meta').dataset.pending = t().failed + (reason ? ': ' + reason : '');
  }
  dropPending(id);
}

export function dropPending(id) {
  if (!state.session) return;
  state.session.pending = state.session.pending.filter((p) => p.id !== id);
  saveSession();
}

export function systemLine(text) {
  $('messages').append(messageElement('system', text, ''));
  scrollDown();
}

// Sends one pending message. An unacknowledged send stays pending (shown "not sent yet") and is sent again
// with the same id after a reconnect; the server stores it once.
export async function trySend(p) {
  const c = state.connection;
  if (!c || c.state !== signalR.HubConnectionState.Connected) return;
  try {
    const ack = await c.invoke('SendMessage', p.id, p.text);
    const el = document.querySelector(`li[data-client-id="${CSS.escape(p.id)}"]`);
    if (el && !state.seen.has(ack.seq)) {
      see(ack.seq);
      el.classList.remove('pending');
      el.dataset.seq = String(ack.seq);
      delete el.dataset.clientId;
    }
    dropPending(p.id);
  } catch (err) {
    const e = hubError(err);
    if (e && e.code !== TRY_AGAIN) { markFailed(p.id, visitorError(e)); return; }
    // The connection broke or the server is briefly unavailable: it stays pending ("not sent yet") and is sent
    // again with the same id, after the reconnect or a few seconds from now. The server stores it once.
    if (e && !state.retryTimer) state.retryTimer = setTimeout(() => { state.retryTimer = null; flushPending(); }, 3000);
  }
}

export async function flushPending() {
  for (const p of [...(state.session?.pending || [])]) await trySend(p);
}

// The hub answers in Dutch. The errors a visitor can meet are recognised and shown in the widget's own words (and
// language); anything else falls back to the server's message (its text, without a code).
const hubErrors = [
  [/al een gesprek open/i, 'alreadyOpen'],
  [/bericht is leeg/i, 'empty'],
  [/te lang/i, 'tooLong'],
  [/maximale aantal berichten/i, 'chatFull'],
  [/beëindigd; het bericht/i, 'chatEnded'],
  [/geen gesprek/i, 'noChat'],
  [/ging iets mis/i, 'server']
];
/** @param e a hub error as `hubError` reads it */
export function visitorError(e) {
  if (e.code === TRY_AGAIN) return t().errors.busy;
  const known = hubErrors.find(([pattern]) => pattern.test(e.text));
  return known ? t().errors[known[1]] : e.text;
}

export function sendFromComposer(ev) {
  ev.preventDefault();
  const box = $('text');
  const text = box.value.trim();
  if (!text || !state.session) return;
  const max = state.config?.maxMessageLength || 2000;
  const p = { id: newId(), text: text.slice(0, max) };
  state.session.pending.push(p);
  saveSession();
  renderPending(p);
  box.value = '';
  sendTyping(false);
  trySend(p);
}

export function sendTyping(isTyping) {
  const c = state.connection;
  if (!c || c.state !== signalR.HubConnectionState.Connected || state.status !== 'active') return;
  const now = Date.now();
  if (isTyping && now - state.lastTypingSent < 3000) return;
  state.lastTypingSent = isTyping ? now : 0;
  c.invoke('Typing', isTyping).catch(() => {});
}

export function onInput() {
  sendTyping(true);
  clearTimeout(state.typingTimer);
  state.typingTimer = setTimeout(() => sendTyping(false), 4000);
}
