// Quick exit for a page of the host site where the chat frame was not open (a chat may still be stored in this tab
// from an earlier page). The loader asks ({type:'quick-exit'}); we clear this origin's sessionStorage, end the chat on
// the server with a keepalive request (it outlives the page) and answer as soon as the server has it, or after
// 250 ms. A classic script, not the chat app: it must be ready in a few milliseconds.
(function () {
  'use strict';
  if (window.parent === window) return;
  var parentOrigin = location.ancestorOrigins && location.ancestorOrigins.length ? location.ancestorOrigins[0] : null;
  var STORE_KEY = 'chat.session'; // as in app.js
  function answer() { window.parent.postMessage({ type: 'chat:quick-exit-done' }, parentOrigin || '*'); }
  window.addEventListener('message', function (e) {
    if (e.source !== window.parent || (parentOrigin && e.origin !== parentOrigin)) return;
    if (!e.data || e.data.type !== 'quick-exit') return;
    var token = null;
    try { token = (JSON.parse(sessionStorage.getItem(STORE_KEY) || 'null') || {}).resumeToken || null; } catch (x) { token = null; }
    try { sessionStorage.clear(); } catch (x) { /* nothing stored */ }
    if (!token) { answer(); return; }
    try {
      fetch('/api/visitor/leave', { method: 'POST', body: token, keepalive: true, cache: 'no-store',
        headers: { 'Content-Type': 'text/plain' } }).then(answer, answer);
      setTimeout(answer, 250);
    } catch (x) {
      try { navigator.sendBeacon('/api/visitor/leave', new Blob([token], { type: 'text/plain' })); } catch (y) { /* leaving anyway */ }
      answer();
    }
  });
  window.parent.postMessage({ type: 'chat:ready' }, parentOrigin || '*');
})();
