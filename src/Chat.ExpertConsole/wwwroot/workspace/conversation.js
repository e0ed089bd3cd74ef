// The chat on screen: the visitor's answers, the messages, the composer; sending, typing and referrals.
import { fill, h } from '../dom.js';
import { duration } from '../i18n.js';
import { attachReplyPicker, openReferralDialog } from '../replies-picker.js';
import { blockChat, endChat, transferChat } from './chat-actions.js';
import { renderChatList } from './chat-list.js';
import { fillForm } from './forms.js';
import { reload } from './hub.js';
import { notifyHiddenMessage } from './notices.js';
import { chatName, els, errorText, formFor, label, lang, state, t, toast } from './state.js';
import { heavyControl } from './wellbeing.js';
import { hubError, newId, TRY_AGAIN } from '/_content/Chat.Widget/shared/hub-client.js';

export function renderMain(focus = true) {
  const c = state.chats.get(state.selected);
  if (!c) {
    els.main.replaceChildren(h('div', { class: 'empty' },
      h('p', {}, state.availability === 'available' ? t.noChatSelected : state.availability === 'paused' ? t.pausedHint : t.offlineHint)));
    return;
  }
  const v = c.visitor;
  const info = h('dl', { class: 'visitor-info' },
    h('div', {}, h('dt', {}, t.about), h('dd', {}, label(t.aboutLabels, v.about))),
    h('div', {}, h('dt', {}, t.preferred), h('dd', {}, label(t.preferredLabels, v.preferredExperience))),
    h('div', {}, h('dt', {}, t.preferredGender), h('dd', {}, label(t.genderLabels, v.preferredGender ?? 'any'))),
    h('div', {}, h('dt', {}, t.followUp), h('dd', {}, v.followUp === true ? t.yes : v.followUp === false ? t.no : t.aboutLabels.unspecified)), // not said, as "Over zichzelf"
    h('div', {}, h('dt', {}, t.referral), h('dd', {}, v.referral || t.unknown)),
    h('div', {}, h('dt', {}, t.waited), h('dd', {}, duration(v.waitedSeconds))));
  // Focusable (tabindex 0): the conversation scrolls in its own box, and a keyboard user scrolls it with the arrow keys.
  c.list = h('ol', { class: 'messages', 'aria-live': 'polite', 'aria-label': t.visitor, tabindex: '0' });
  for (const m of [...c.messages.values()].sort((a, b) => a.seq - b.seq)) c.list.append(messageItem(m, c));
  for (const p of c.pending.values()) c.list.append(pendingItem(p));
  c.typingEl = h('p', { class: 'typing', hidden: !c.typing }, t.typing);
  const status = c.ended ? h('p', { class: 'notice' }, t.ended(c.endedBy))
    : !c.connected ? h('p', { class: 'notice warn' }, v.urgent?.reason === 'answer' ? t.visitorGoneDanger : t.visitorGone) : null;
  // Triage: why this visitor went first (said they are in danger now, or waited long).
  const urgent = v.urgent ? h('p', { class: 'urgent-badge' + (v.urgent.reason === 'waited' ? '' : ' danger') }, t.urgent[v.urgent.reason] ?? v.urgent.reason) : null;
  // Several projects: which project the visitor came from (always said when they came from a partner project).
  const several = (document.getElementById('app')?.dataset.projects || '').split(',').filter(Boolean).length > 1;
  const project = v.projectName && (v.overflow || several)
    ? h('p', { class: 'project-line small' }, v.overflow ? t.fromPartner(v.projectName) : t.projectOf(v.projectName)) : null;
  // A follow-up by code with me: my own note on it, with the caution that the code may be in someone else's hands.
  const note = v.followUpNote ? h('aside', { class: 'followup-note', 'aria-label': t.followUpNoteTitle },
    h('p', { class: 'small' }, h('strong', {}, t.followUpNoteTitle), ' ', t.followUpNoteCaution), h('p', { class: 'note-text' }, v.followUpNote)) : null;
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
    h('div', { class: 'chat-top' }, h('h2', {}, `${t.visitor} ${c.n}`), urgent, project, info, note,
      c.ended ? h('div', { class: 'chat-actions' }, heavyControl(state.selected),
        formFor(state.selected) ? h('button', { type: 'button', class: 'secondary', onclick: () => fillForm(formFor(state.selected)) }, t.fillIn) : null)
      : h('div', { class: 'chat-actions' },
        h('button', { type: 'button', class: 'secondary', onclick: (e) => transferChat(state.selected, e.currentTarget) }, t.transfer),
        h('button', { type: 'button', class: 'danger', onclick: (e) => endChat(state.selected, e.currentTarget) }, t.endChat),
        h('button', { type: 'button', class: 'secondary block', onclick: (e) => blockChat(state.selected, e.currentTarget) }, t.block),
        heavyControl(state.selected))),
    status, c.list, c.typingEl, composer);
  c.list.scrollTop = c.list.scrollHeight;
  if (!c.ended && focus) box.focus();
}

export function messageItem(m, chat) {
  // After a transfer the history holds a colleague's words: written before this chat came to me.
  const mine = m.from === 'expert' && !(chat?.startedAt && new Date(m.sentAt) < new Date(chat.startedAt));
  const who = m.from === 'expert' ? (mine ? t.me : t.colleague) : m.from === 'visitor' ? t.them : t.system;
  const time = new Date(m.sentAt).toLocaleTimeString(lang === 'en' ? 'en-GB' : 'nl-NL', { hour: '2-digit', minute: '2-digit' });
  return h('li', { class: `msg ${m.from}${m.from === 'expert' && !mine ? ' colleague' : ''}${m.card ? ' card' : ''}`, dataset: { seq: String(m.seq) } },
    h('span', { class: 'text' }, m.text), h('span', { class: 'meta' }, `${who} · ${time}${m.card ? ' · ' + t.referralSent : ''}`));
}
export function pendingItem(p) {
  return h('li', { class: 'msg expert pending', dataset: { clientId: p.id } },
    h('span', { class: 'text' }, p.text), h('span', { class: 'meta' }, `${t.me} · ${t.notSent}`));
}

export function addMessage(m) {
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

export function send() {
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

export async function trySend(conversationId, p) {
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
export function typing(id, isTyping) {
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
export async function sendReferral(conversationId, card) {
  try {
    await state.connection.invoke('SendReferral', conversationId, newId(), card.id);
    return true;
  } catch (err) {
    toast(errorText(err));
    return false;
  }
}
