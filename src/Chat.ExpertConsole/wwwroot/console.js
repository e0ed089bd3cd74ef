// The expert console's live workspace: availability, the queue summary, assigned chats, and the contact
// form after each chat. Messages are rendered as text only.
// One module a job, in workspace/: state.js (the shared state, texts and helpers), layout.js (the frame), availability.js,
// queue.js, wellbeing.js (the pause after a chat, "zwaar", debriefs), chat-list.js ("Mijn gesprekken"), conversation.js
// (the chat on screen), chat-actions.js (end, transfer, block), forms.js (contact forms), notices.js (title and sound),
// hub.js (the connection and the state). This one starts the page.
import { renderAvailability } from './workspace/availability.js';
import { renderChatList } from './workspace/chat-list.js';
import { renderMain } from './workspace/conversation.js';
import { connect, start } from './workspace/hub.js';
import { layout } from './workspace/layout.js';
import { watchMailboxCount } from './mailbox-count.js';
import './workspace/notices.js';
import { renderQueue } from './workspace/queue.js';
import { els, state } from './workspace/state.js';
import { loadDebriefs } from './workspace/wellbeing.js';

async function init() {
  layout();
  watchMailboxCount(document.getElementById('mailbox-link')); // letters waiting, in the menu
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
