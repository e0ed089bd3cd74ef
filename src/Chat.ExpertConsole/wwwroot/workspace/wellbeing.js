// The expert's wellbeing: the pause after a chat, "dit gesprek was zwaar", and (coordinators) who asked to talk
// a conversation over.
import { fill, h } from '../dom.js';
import { renderMain } from './conversation.js';
import { refreshQueueStatus } from './queue.js';
import { clock, els, errorText, roundedHour, state, t, toast } from './state.js';

// The pause after a chat: a calm line with the time it ends and a button to end it early. Gone by itself when the time
// has passed (the server then routes to me again; the queue line is asked again).
export function setCoolDown(until) {
  state.coolDownUntil = until && new Date(until) > new Date() ? until : null;
  clearTimeout(setCoolDown.timer);
  if (state.coolDownUntil) {
    setCoolDown.timer = setTimeout(() => setCoolDown(null), Math.min(new Date(state.coolDownUntil) - new Date() + 250, 2 ** 31 - 1));
  }
  renderCoolDown();
  refreshQueueStatus();
}

export function renderCoolDown() {
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

export async function endCoolDown() {
  try {
    await state.connection.invoke('EndCoolDown');
    setCoolDown(null);
  } catch (err) { toast(errorText(err)); }
}

// "Dit gesprek was zwaar": a button, and once asked a calm line saying the coordinator will get in touch.
export function heavyControl(conversationId) {
  if (state.heavyAsked.has(conversationId)) return h('p', { class: 'heavy-asked' }, t.heavyAsked);
  return h('button', { type: 'button', class: 'secondary heavy', onclick: () => requestDebrief(conversationId) }, t.heavy);
}

export async function requestDebrief(conversationId) {
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
export async function loadDebriefs() {
  if (!els.debriefs) return;
  try {
    const r = await fetch('/api/debriefs', { credentials: 'same-origin' });
    if (!r.ok) return;
    state.debriefs = await r.json();
  } catch { return; }
  renderDebriefs();
}

export function renderDebriefs(focusIndex = null) {
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

export async function debriefDone(d, index) {
  try {
    const r = await fetch(`/api/debriefs/${encodeURIComponent(d.id)}`, { method: 'DELETE', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' } });
    if (r.status === 404) toast(t.debriefGone);
    else if (!r.ok) { toast(t.heavyFailed); return; }
  } catch { toast(t.heavyFailed); return; }
  state.debriefs = state.debriefs.filter((x) => x.id !== d.id);
  renderDebriefs(index);
}
