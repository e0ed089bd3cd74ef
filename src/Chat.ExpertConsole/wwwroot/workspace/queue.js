// The queue summary and why the waiting visitors are not mine.
import { fill, h } from '../dom.js';
import { select } from './chat-list.js';
import { playDanger, showTitle } from './notices.js';
import { clock, els, errorText, state, t, toast } from './state.js';

const soundKey = 'console.dangerSound';
const soundOn = () => localStorage.getItem(soundKey) !== 'off';
let lastDanger = 0;

export function renderQueue() {
  const q = state.queue;
  const danger = q.danger ?? 0;
  const why = q.waiting > 0 && state.queueStatus?.notYours ? t.notYours(state.queueStatus, clock) : null;
  fill(els.queue,
    danger > 0 ? dangerBox(danger) : null,
    h('p', { class: 'big' }, t.waiting(q.waiting)),
    q.waiting > 0 ? h('p', { class: 'muted' }, t.longest(q.longestWaitSeconds)) : null,
    why ? h('p', { class: 'why-not' }, why) : null);
  // A visitor in danger waits and nobody is free: every console on shift says so (the title, a sound that can be
  // switched off; the region above is polite). More of them than before: the sound again.
  if (danger > lastDanger && state.availability !== 'offline' && soundOn()) playDanger();
  lastDanger = danger;
  showTitle();
}

function dangerBox(n) {
  const sound = h('input', { type: 'checkbox', id: 'danger-sound', checked: soundOn(),
    onchange: (e) => localStorage.setItem(soundKey, e.target.checked ? 'on' : 'off') });
  return h('div', { class: 'danger-waiting' },
    h('p', { class: 'danger-text' }, t.dangerWaiting(n)),
    state.availability !== 'offline'
      ? [h('button', { type: 'button', class: 'danger take-urgent', onclick: takeUrgent }, t.takeUrgent),
         h('p', { class: 'small muted' }, t.takeUrgentHelp)]
      : null,
    h('label', { class: 'small sound-toggle', for: 'danger-sound' }, sound, ' ', t.dangerSound));
}

// The expert's own choice: the visitor in danger who waited longest, also in a pause or a cool-down.
async function takeUrgent(ev) {
  ev.currentTarget.disabled = true;
  try {
    const chat = await state.connection.invoke('TakeUrgent');
    if (!chat) toast(t.takeUrgentGone);
    else if (state.chats.has(chat.conversationId)) select(chat.conversationId);
  } catch (err) {
    toast(errorText(err));
  } finally {
    renderQueue();
  }
}

// Why the waiting visitors are not mine: asked again (debounced) whenever the queue or my own situation changes.
export function refreshQueueStatus() {
  clearTimeout(refreshQueueStatus.timer);
  refreshQueueStatus.timer = setTimeout(async () => {
    if (state.queue.waiting === 0) { state.queueStatus = null; renderQueue(); return; }
    try { state.queueStatus = await state.connection.invoke('GetQueueStatus'); } catch { state.queueStatus = null; }
    renderQueue();
  }, 400);
}
