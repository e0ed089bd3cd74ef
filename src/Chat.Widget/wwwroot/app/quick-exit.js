// Quick exit: the "Snel weg" button, Shift pressed three times, or the host page's own exit. Forgets this tab and
// ends the chat on the server even though the page is gone.
import { stopConnection } from './connection.js';
import { closeFeedback } from './feedback.js';
import { forgetMailbox } from './mailbox.js';
import { clearSession, embedded, loadSession, parentOrigin, state } from './state.js';

// Forgets everything in this tab and ends the chat on the server. The request is handed to the browser at once and
// outlives the page (a keepalive request, like a beacon; a hub call would die with the page). Unlike a beacon it
// tells us when the server has it: the promise settles then, or after at most `waitMs`, whichever comes first.
export function forgetAndEnd(waitMs) {
  state.leaving = true;
  closeFeedback();
  forgetMailbox(); // the mailbox code, held in page memory only
  const token = state.session?.resumeToken || loadSession()?.resumeToken;
  clearSession();
  stopConnection();
  document.body.replaceChildren();
  if (!token) return Promise.resolve();
  let sent;
  try {
    sent = fetch('/api/visitor/leave', { method: 'POST', body: token, keepalive: true, cache: 'no-store',
      headers: { 'Content-Type': 'text/plain' } }).catch(() => {});
  } catch {
    try { navigator.sendBeacon('/api/visitor/leave', new Blob([token], { type: 'text/plain' })); } catch { /* leaving anyway */ }
    return Promise.resolve();
  }
  return Promise.race([sent, new Promise((r) => setTimeout(r, waitMs))]);
}

// Quick exit from inside the chat: forget and end, and leave for a neutral site at once (replace: Back does not
// come back here). Embedded, the loader replaces the host page.
export function quickExit() {
  if (state.leaving) return;
  const url = state.config?.quickExitUrl || 'https://www.buienradar.nl/';
  // The screen is blank at once; the page is replaced as soon as the server has the leave request (at most 250 ms).
  forgetAndEnd(250).then(() => {
    if (embedded) {
      // The loader replaces the host page and removes this frame at once. Only if it did not (no loader), try
      // ourselves: two navigations at the same time could cancel each other.
      window.parent.postMessage({ type: 'chat:quick-exit', url }, parentOrigin || '*');
      setTimeout(() => { try { window.top.location.replace(url); } catch { /* not allowed from here */ } }, 250);
    } else {
      location.replace(url);
    }
  });
}

// Quick exit from the host page: the loader cannot reach this origin's storage, so it asks us; we forget and end,
// then answer so that it can replace the page.
export function listenForHostExit() {
  window.addEventListener('message', (e) => {
    if (!embedded || e.source !== window.parent || (parentOrigin && e.origin !== parentOrigin)) return;
    if (e.data?.type !== 'quick-exit') return;
    // The loader leaves after ~300 ms whatever happens; answer as soon as the server has the leave request.
    forgetAndEnd(250).then(() => window.parent.postMessage({ type: 'chat:quick-exit-done' }, parentOrigin || '*'));
  });
}

// Shift pressed three times within two seconds (GOV.UK's "Exit this page"). Any other key in between starts the
// count again, so typing capitals does not count. Esc never leaves: people press it by reflex.
export function onShiftThrice(handler) {
  let presses = [];
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Shift') { presses = []; return; }
    if (e.repeat) return;
    const now = Date.now();
    presses = presses.filter((at) => now - at < 2000).concat(now);
    if (presses.length >= 3) { presses = []; handler(); }
  }, true);
}
