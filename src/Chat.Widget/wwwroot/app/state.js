// What every screen of the visitor's chat shares: the state of this tab, its sessionStorage (the only storage the
// widget uses: this tab only, cleared by quick exit and at the end of the chat), the texts of the chosen language.
import { texts } from './i18n.js';

const STORE_KEY = 'chat.session';
export const params = new URLSearchParams(location.search);
export const embedded = window.parent !== window;
// The host page's origin, where the browser tells it (Chromium, Safari): messages to and from the loader are checked
// against it. Elsewhere only messages from our own parent window are accepted.
export const parentOrigin = embedded && location.ancestorOrigins?.length ? location.ancestorOrigins[0] : null;
export const $ = (id) => document.getElementById(id);

export const state = {
  lang: 'nl',
  config: null,
  connection: null,
  session: null,        // { resumeToken, pending: [{ id, text }] } mirrored in sessionStorage
  status: 'none',       // none | queued | active | ended
  expertName: null,
  lastSeq: 0,           // highest seq seen
  contiguous: 0,        // every seq up to this one has been seen: where a resume starts
  seen: new Set(),      // seqs rendered
  gapTimer: null,
  retryTimer: null,
  typingTimer: null,
  lastTypingSent: 0,
  queue: null,
  endedBy: null,
  expertAway: false,
  hadExpert: false,     // an expert joined this chat: only then is the feedback question asked after it
  feedbackConnection: null, // the ended chat's connection, kept open for the one feedback answer and the offer of a code
  followUpOpen: false, // the offer of a code ("Vraag een code") waits for that connection
  unread: 0,            // stand-alone only: expert messages that arrived while this tab was hidden (shown in the title)
  leaving: false,       // quick exit under way: nothing may reconnect or be stored again
  project: '',          // the project of this widget (the loader's data-project; '' is the installation's own)
  openings: null,       // { nextOpening, upcoming } from /api/status, for the closed screen
  inDanger: false,      // said "ja" to "Ben je nu in gevaar?": 112 stays in the chat's head while waiting
  refused: null         // why the last start was refused: limit | busy | blocked | null (no connection)
};

// ---- storage (sessionStorage only) ----------------------------------------------------------------

export function loadSession() {
  try { return JSON.parse(sessionStorage.getItem(STORE_KEY) || 'null'); } catch { return null; }
}
export function saveSession() {
  if (state.session && !state.leaving) sessionStorage.setItem(STORE_KEY, JSON.stringify({ ...state.session, lang: state.lang }));
}
export function clearSession() {
  state.session = null;
  try { sessionStorage.clear(); } catch { /* nothing stored */ }
}

export const t = () => texts[state.lang];
