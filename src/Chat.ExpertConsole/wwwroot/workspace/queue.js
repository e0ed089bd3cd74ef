// The queue summary and why the waiting visitors are not mine.
import { fill, h } from '../dom.js';
import { clock, els, state, t } from './state.js';

export function renderQueue() {
  const q = state.queue;
  const why = q.waiting > 0 && state.queueStatus?.notYours ? t.notYours(state.queueStatus, clock) : null;
  fill(els.queue,
    h('p', { class: 'big' }, t.waiting(q.waiting)),
    q.waiting > 0 ? h('p', { class: 'muted' }, t.longest(q.longestWaitSeconds)) : null,
    why ? h('p', { class: 'why-not' }, why) : null);
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
