// What every part of the live workspace shares: the page's language and texts, the state of this tab, the elements
// the layout made, and small helpers for times, labels and the toast.
import { texts } from '../i18n.js';
import { hourSpan } from '../dom.js';
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

// "Contactzoeker 2 · 15:30": the visitor's number in this shift and the time the chat came (see chat-names.js).
export const chatName = (c) => `${t.visitor} ${c.n} · ${clock(c.startedAt)}`;

// The first words of what I wrote in a chat, to recognise it by ("Fijn dat je er bent…"); null before I wrote.
export function firstWords(c) {
  const mine = [...(c?.messages?.values() ?? [])].filter((m) => m.from === 'expert' && !m.card && !(c.startedAt && new Date(m.sentAt) < new Date(c.startedAt)))
    .sort((a, b) => a.seq - b.seq)[0];
  if (!mine) return null;
  const words = mine.text.trim().split(/\s+/);
  return words.slice(0, 5).join(' ') + (words.length > 5 ? '…' : '');
}

// Contact times are kept to the hour only (cut down, not rounded): say the day and the hour it fell in ("di 30 nov,
// tussen 14:00 en 15:00"; "rond 14:00" was wrong for a chat at 14:59).
export function roundedHour(iso) {
  const d = new Date(iso);
  const locale = lang === 'en' ? 'en-GB' : 'nl-NL';
  const day = d.toLocaleDateString(locale, { weekday: 'short', day: 'numeric', month: 'short' });
  return t.withinHour(day, ...hourSpan(d, locale));
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
