// The queue summary and why the waiting visitors are not mine.
import { fill, h } from '../dom.js';
import { select } from './chat-list.js';
import { playDanger, showTitle, soundBlocked } from './notices.js';
import { clock, els, errorText, state, t, toast } from './state.js';

const soundKey = 'console.dangerSound';
const soundOn = () => sessionStorage.getItem(soundKey) !== 'off';
let lastDanger = 0;

export function renderQueue() {
  const q = state.queue;
  const why = q.waiting > 0 && state.queueStatus?.notYours ? t.notYours(state.queueStatus, clock) : null;
  fill(els.queue,
    h('p', { class: 'big' }, t.waiting(q.waiting)),
    q.waiting > 0 ? h('p', { class: 'muted' }, t.longest(q.longestWaitSeconds)) : null,
    why ? h('p', { class: 'why-not' }, why) : null);
  renderDanger();
}

// A visitor in danger waits and nobody is free: every console on shift says so (the title, a sound that can be switched
// off, a polite announcement). The box is built once and only its text changes, so the button keeps the keyboard focus
// while the queue is published again and again; the announcement is said when the number goes up, not on every update.
function renderDanger() {
  const danger = state.queue.danger ?? 0;
  const box = dangerBox();
  box.hidden = danger === 0;
  if (danger > 0) {
    const text = t.dangerWaiting(danger);
    if (box.text.textContent !== text) box.text.textContent = text;
    box.take.hidden = box.takeHelp.hidden = state.availability === 'offline';
    box.soundHint.hidden = !(soundOn() && soundBlocked());
  }
  if (danger > lastDanger && state.availability !== 'offline') {
    els.announce.textContent = t.dangerWaiting(danger);
    if (soundOn()) playDanger();
  }
  lastDanger = danger;
  showTitle();
}

function dangerBox() {
  if (els.danger) return els.danger;
  const sound = h('input', { type: 'checkbox', id: 'danger-sound', checked: soundOn(),
    onchange: (e) => { sessionStorage.setItem(soundKey, e.target.checked ? 'on' : 'off'); renderDanger(); } });
  const box = h('div', { class: 'danger-waiting', hidden: true });
  box.text = h('p', { class: 'danger-text' });
  box.take = h('button', { type: 'button', class: 'danger take-urgent', onclick: takeUrgent }, t.takeUrgent);
  box.takeHelp = h('p', { class: 'small muted' }, t.takeUrgentHelp);
  box.soundHint = h('p', { class: 'small muted', hidden: true }, t.dangerSoundBlocked);
  box.append(box.text, box.take, box.takeHelp, h('label', { class: 'small sound-toggle', for: 'danger-sound' }, sound, ' ', t.dangerSound), box.soundHint);
  els.queue.before(box);
  els.danger = box;
  return box;
}

// The expert's own choice: the visitor in danger who waited longest, also in a pause or a cool-down.
async function takeUrgent() {
  const button = els.danger.take;
  button.disabled = true;
  try {
    const chat = await state.connection.invoke('TakeUrgent');
    if (!chat) toast(t.takeUrgentGone);
    else if (state.chats.has(chat.conversationId)) select(chat.conversationId);
  } catch (err) {
    toast(errorText(err));
  } finally {
    button.disabled = false;
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
