// "Mijn gesprekken": the list of assigned chats and which one is on screen.
import { h } from '../dom.js';
import { renderMain } from './conversation.js';
import { chatName, els, state, t } from './state.js';

export function renderChatList() {
  const items = [...state.chats.entries()].map(([id, c]) => h('li', {},
    h('button', { type: 'button', class: 'chat-item' + (id === state.selected ? ' selected' : '') + (c.ended ? ' ended' : '') + (c.unread ? ' unread' : ''),
      'aria-current': id === state.selected ? 'true' : null, onclick: () => select(id) },
      h('span', {}, chatName(c)),
      ['answer', 'words'].includes(c.visitor?.urgent?.reason) ? h('span', { class: 'urgent-tag' }, t.urgentShort) : null,
      c.unread ? h('span', { class: 'badge' }, h('span', { 'aria-hidden': 'true' }, String(c.unread)), h('span', { class: 'sr-only' }, t.unread(c.unread))) : null)));
  els.chatList.replaceChildren(...(items.length ? items : [h('li', { class: 'muted' }, t.noChats)]));
}

export function select(id) {
  state.selected = id;
  const c = state.chats.get(id);
  if (c) c.unread = 0;
  renderChatList();
  renderMain();
}
