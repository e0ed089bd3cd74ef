// What every part of the live workspace shares: the page's language and texts, the state of this tab, the elements
// the layout made, and small helpers for times, labels and the toast.
import { texts } from '../i18n.js';
import { hubError } from '/_content/Chat.Widget/shared/hub-client.js';

export const app = document.getElementById('app');
export const lang = app.dataset.lang === 'en' ? 'en' : 'nl';
export const t = texts[lang];

export const state = {
  me: null,
  availability: 'offline',
  queue: { waiting: 0, longestWaitSeconds: 0 },
  queueStatus: null,     // GetQueueStatus: why the waiting visitors are not mine (null while nobody waits)
  coolDownUntil: null,   // the pause after a chat: no new chat until then (iso), or null
  heavyAsked: new Set(), // conversations of which "dit gesprek was zwaar" was sent
  lastEnded: null,       // the chat that ended last (the pause after it offers the same button)
  debriefs: [],          // coordinators: who asked to talk a conversation over
  chats: new Map(),      // conversationId -> { visitor, startedAt, messages: Map(seq -> msg), connected, typing, ended, pending: Map }
  selected: null,
  pendingForms: [],
  unseen: 0,             // new chats not yet seen (title)
  unseenMessages: 0,     // visitor messages that came while the tab was hidden (title)
  connected: false,
  connection: null,
  loaded: false          // GetState has answered once: what a later reload finds new came while events were missed
};

export const els = {};

export const locale = lang === 'en' ? 'en-GB' : 'nl-NL';
export const clock = (iso) => new Date(iso).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });

export const chatName = (c) => `${t.visitor} · ${new Date(c.startedAt).toLocaleTimeString(lang === 'en' ? 'en-GB' : 'nl-NL', { hour: '2-digit', minute: '2-digit' })}`;

// Contact times are kept to the hour only: say the day and that the hour is rounded ("di 30 nov, rond 14:00").
export function roundedHour(iso) {
  const d = new Date(iso);
  const locale = lang === 'en' ? 'en-GB' : 'nl-NL';
  const day = d.toLocaleDateString(locale, { weekday: 'short', day: 'numeric', month: 'short' });
  const hour = d.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
  return t.aroundHour(day, hour);
}

export function label(map, key) { return map[key] ?? key ?? t.unknown; }

export const formFor = (conversationId) => state.pendingForms.find((p) => p.conversationId === conversationId);

// What a failed hub call says to the expert: the hub's own text (without its code), or that the connection is being restored.
export const errorText = (err) => hubError(err)?.text ?? t.reconnecting;

export function toast(text) {
  els.toast.textContent = text;
  els.toast.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { els.toast.hidden = true; }, 4000);
}
