// The connection to the expert hub: its events, the start, and reading the whole state again.
import { renderAvailability, setConnected } from './availability.js';
import { renderChatList, select } from './chat-list.js';
import { addMessage, renderMain, trySend } from './conversation.js';
import { fillForm, renderForms } from './forms.js';
import { notifyNewChat } from './notices.js';
import { refreshQueueStatus, renderQueue } from './queue.js';
import { formFor, state, t, toast } from './state.js';
import { setCoolDown } from './wellbeing.js';
import { backoff, hubConnection } from '/_content/Chat.Widget/shared/hub-client.js';

export function chatFrom(conv) {
  return {
    visitor: conv.visitor, startedAt: conv.startedAt, connected: conv.visitorConnected ?? true,
    messages: new Map((conv.messages || []).map((m) => [m.seq, m])), pending: new Map(),
    typing: false, ended: false, unread: 0, draft: ''
  };
}

export function connect() {
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

export async function start() {
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
export async function loadState() {
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
export async function reload(attempt = 0) {
  try {
    await loadState();
  } catch {
    if (state.connection.state === signalR.HubConnectionState.Connected) setTimeout(() => reload(attempt + 1), backoff({ previousRetryCount: attempt }));
  }
}
