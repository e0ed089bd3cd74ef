// Notices while the expert looks elsewhere: the count in the tab title and the sound of a new chat.
import { state, t } from './state.js';

export const baseTitle = document.title;
export function showTitle() {
  const count = state.unseen + state.unseenMessages;
  const title = count === 0 ? baseTitle : `(${count}) ${state.unseen > 0 ? t.newChat : t.newMessageTitle} – ${baseTitle}`;
  // While a visitor in danger waits and nobody is free, the title says so first (also in a tab in the background).
  document.title = (state.queue?.danger ?? 0) > 0 && state.availability !== 'offline' ? `⚠ ${t.dangerTitle} – ${title}` : title;
}
// A visitor wrote while this tab is hidden (any chat, also the one on screen): the count goes into the title.
export function notifyHiddenMessage() {
  if (!document.hidden) return;
  state.unseenMessages++;
  showTitle();
}
export function notifyNewChat() {
  state.unseen++;
  showTitle();
  tones([[660, 0], [880, 0.25]]);
}
// Three falling and rising tones, unlike a new chat's two: someone in danger waits.
export function playDanger() { tones([[880, 0], [660, 0.2], [880, 0.4], [660, 0.6]]); }

function tones(list) {
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
    for (const [freq, at] of list) play(freq, at);
  } catch { /* no sound available */ }
}
export function clearNotice() { state.unseen = 0; state.unseenMessages = 0; showTitle(); }
window.addEventListener('focus', clearNotice);
document.addEventListener('visibilitychange', () => { if (!document.hidden) clearNotice(); });
