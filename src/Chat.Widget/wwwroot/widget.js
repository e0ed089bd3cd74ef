// Chat loader: include with
//   <script src="https://CHAT/widget.js" data-referral="flyer-victims" async></script>
// (and data-project="west-brabant" when the installation serves several projects)
// It sets no cookie and writes no storage. It shows a launcher (open or closed, from /api/status) and opens
// the chat itself in an iframe from the chat server's origin. Quick exit ("Snel weg" in the chat, or Shift pressed
// three times within two seconds, here or in the chat) replaces this page with a neutral site, so the Back button
// does not lead back here. Esc never leaves: people press it by reflex.
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || window.__chatWidgetLoaded) return;
  window.__chatWidgetLoaded = true;

  var origin = new URL(script.src, location.href).origin;
  var referral = script.getAttribute('data-referral') || '';
  // Several projects on one installation: data-project="west-brabant" names this site's project (none: the installation's own).
  var project = /^[a-z0-9][a-z0-9-]{0,38}[a-z0-9]$/.test(script.getAttribute('data-project') || '') ? script.getAttribute('data-project') : '';
  var projectQuery = project ? '?project=' + encodeURIComponent(project) : '';
  var lang = (script.getAttribute('data-lang') || document.documentElement.lang || 'nl').slice(0, 2) === 'en' ? 'en' : 'nl';
  var texts = {
    nl: { open: 'Chat anoniem met een ervaringsdeskundige', closed: 'Chat nu gesloten: bekijk de openingstijden',
          closedUntil: 'Chat nu gesloten. Weer open: ', tonight: 'vanavond', today: 'vandaag', tomorrow: 'morgen', from: 'vanaf',
          stateOpen: 'Open', stateClosed: 'Gesloten', close: 'Chat verkleinen', title: 'Anonieme chat',
          unread: function (n) { return n === 1 ? '1 nieuw bericht' : n + ' nieuwe berichten'; } },
    en: { open: 'Chat anonymously with an expert by experience', closed: 'Chat closed now: see the opening hours',
          closedUntil: 'Chat closed now. Open again ', tonight: 'tonight', today: 'today', tomorrow: 'tomorrow', from: 'from',
          stateOpen: 'Open', stateClosed: 'Closed', close: 'Minimise chat', title: 'Anonymous chat',
          unread: function (n) { return n === 1 ? '1 new message' : n + ' new messages'; } }
  }[lang];
  var exitUrl = 'https://www.buienradar.nl/';

  var host = document.createElement('div');
  host.setAttribute('data-chat-widget', '');
  var root = host.attachShadow({ mode: 'open' });
  // A stylesheet from the chat origin (not an inline <style>): host pages with a strict CSP can allow it.
  var style = document.createElement('link');
  style.rel = 'stylesheet';
  style.href = origin + '/widget.css';
  var launcher = document.createElement('button');
  launcher.type = 'button';
  launcher.className = 'launcher closed';
  var dot = document.createElement('span'); dot.className = 'dot'; dot.setAttribute('aria-hidden', 'true');
  var label = document.createElement('span'); label.textContent = texts.open;
  // New messages while the chat is minimised: a visible count on the launcher, in its name, and said once (polite).
  var badge = document.createElement('span'); badge.className = 'badge'; badge.setAttribute('aria-hidden', 'true'); badge.hidden = true;
  launcher.append(dot, label, badge);
  var announcer = document.createElement('span');
  announcer.className = 'sr-only';
  announcer.setAttribute('role', 'status');
  announcer.setAttribute('aria-live', 'polite');
  var panel = document.createElement('div');
  panel.className = 'panel';
  panel.setAttribute('role', 'dialog');
  panel.setAttribute('aria-label', texts.title);
  var minimise = document.createElement('button');
  minimise.type = 'button'; minimise.className = 'min'; minimise.textContent = '\u2013';
  minimise.setAttribute('aria-label', texts.close); minimise.title = texts.close;
  panel.appendChild(minimise);
  root.append(style, launcher, announcer, panel);

  var frame = null;
  var frameReady = false;
  function createFrame() {
    frame = document.createElement('iframe');
    frame.title = texts.title;
    var q = new URLSearchParams({ lang: lang, embedded: '1' });
    if (referral) q.set('referral', referral);
    if (project) q.set('project', project);
    frame.src = origin + '/widget/?' + q.toString();
    frame.allow = 'autoplay';
    frame.referrerPolicy = 'no-referrer';
    panel.appendChild(frame);
  }
  function openPanel() {
    if (!frame) createFrame();
    panel.classList.add('open');
    launcher.style.display = 'none';
    clearUnread();
    frame.focus();
  }

  // The count of what the expert did (joined, wrote, ended) while the chat was minimised or this tab hidden: on the
  // launcher and as "(1) " before this page's own title (only a number: nothing on the tab says "chat").
  var unread = 0;
  var ownTitle = null;
  function showUnread() {
    badge.hidden = unread === 0;
    badge.textContent = unread > 9 ? '9+' : String(unread);
    announcer.textContent = unread > 0 ? texts.unread(unread) : '';
    if (lastStatus !== undefined) showStatus(lastStatus);
    if (unread > 0) {
      if (ownTitle === null) ownTitle = document.title;
      document.title = '(' + unread + ') ' + ownTitle;
    } else if (ownTitle !== null) {
      document.title = ownTitle;
      ownTitle = null;
    }
  }
  function addUnread() {
    if (panel.classList.contains('open') && !document.hidden) return;
    unread++;
    showUnread();
  }
  function clearUnread() {
    if (unread === 0) return;
    unread = 0;
    showUnread();
  }
  document.addEventListener('visibilitychange', function () {
    if (!document.hidden && panel.classList.contains('open')) clearUnread();
  });
  function closePanel() {
    panel.classList.remove('open');
    launcher.style.display = '';
    launcher.focus();
  }
  var leaving = false;
  // Once only: the answer from the chat and the 300 ms timer may both arrive, and a second location.replace while the
  // first is under way starts the navigation over (a slow phone would show the host page longer).
  function leave(url) {
    if (leaving) return;
    leaving = true;
    if (exitTimer) clearTimeout(exitTimer);
    try { host.remove(); } catch (e) { /* leave anyway */ }
    location.replace(url || exitUrl);
  }
  // Quick exit started on this page. The chat's storage belongs to the chat's origin, out of our reach: the chat
  // (iframe) forgets it and ends the chat on its server, then answers. Without an answer within about 300 ms we
  // leave anyway. When the chat frame is not open and ready (a chat may still be stored in this tab from an earlier
  // page of the site), a small hidden page of the chat origin does just that; it starts loading at the first Shift, so
  // that it is ready by the third (a person's presses are some 200 ms apart; loading it may take longer than 300 ms).
  var exitTimer = null;
  var exitFrame = null;
  var exitReady = false;
  function prepareExit() {
    if (exitFrame || (frame && frameReady)) return;
    exitFrame = document.createElement('iframe');
    exitFrame.src = origin + '/widget/exit.html' + projectQuery; // the project's own embed sites may frame it
    exitFrame.referrerPolicy = 'no-referrer';
    exitFrame.setAttribute('aria-hidden', 'true');
    exitFrame.tabIndex = -1;
    exitFrame.style.display = 'none';
    root.appendChild(exitFrame);
  }
  function quickExitFromHost() {
    if (leaving || exitTimer) return;
    exitTimer = setTimeout(function () { leave(exitUrl); }, 300);
    panel.classList.remove('open');
    if (frame && frameReady) { askToForget(frame); return; }
    prepareExit();
    if (exitReady) askToForget(exitFrame);
  }
  function askToForget(f) {
    if (f && f.contentWindow) f.contentWindow.postMessage({ type: 'quick-exit' }, origin);
  }
  launcher.addEventListener('click', openPanel);
  minimise.addEventListener('click', closePanel);

  window.addEventListener('message', function (e) {
    if (e.origin !== origin || !e.data || typeof e.data !== 'object') return;
    if (exitFrame && e.source === exitFrame.contentWindow) {
      if (e.data.type === 'chat:ready') { exitReady = true; exitFrame.setAttribute('data-ready', ''); if (exitTimer) askToForget(exitFrame); }
      if (e.data.type === 'chat:quick-exit-done') leave(exitUrl);
      return;
    }
    if (!frame || e.source !== frame.contentWindow) return;
    if (e.data.type === 'chat:ready') { frameReady = true; if (exitTimer) askToForget(frame); }
    if (e.data.type === 'chat:quick-exit-done' && exitTimer) leave(exitUrl);
    if (e.data.type === 'chat:quick-exit') leave(typeof e.data.url === 'string' && /^https?:\/\//.test(e.data.url) ? e.data.url : exitUrl);
    if (e.data.type === 'chat:minimise') closePanel();
    if (e.data.type === 'chat:notice' && !leaving) addUnread();
  });
  // Shift three times within two seconds anywhere on this page (GOV.UK's "Exit this page"); any other key in
  // between starts the count again, so typing capitals does not count. Keys typed in the chat stay in its frame.
  var presses = [];
  document.addEventListener('keydown', function (e) {
    if (e.key !== 'Shift') { presses = []; return; }
    if (e.repeat) return;
    var now = Date.now();
    presses = presses.filter(function (at) { return now - at < 2000; }).concat(now);
    if (presses.length === 1) prepareExit();
    if (presses.length >= 3) { presses = []; quickExitFromHost(); }
  }, true);

  var lastStatus;
  // "morgen vanaf 10:00" in the project's time zone: the chat's own nextOpeningText (app/opening.js), in words that
  // follow on after "Weer open: ".
  var zone = 'Europe/Amsterdam';
  function zoned(date, opts) {
    var o = { timeZone: zone, hourCycle: 'h23' };
    for (var k in opts) o[k] = opts[k];
    var out = {};
    new Intl.DateTimeFormat('en-GB', o).formatToParts(date).forEach(function (p) { out[p.type] = p.value; });
    return out;
  }
  function dayNumber(date) {
    var p = zoned(date, { year: 'numeric', month: '2-digit', day: '2-digit' });
    return Date.UTC(+p.year, p.month - 1, +p.day) / 86400000;
  }
  function nextOpeningText(iso) {
    var at = new Date(iso);
    if (isNaN(at)) return null;
    var days = dayNumber(at) - dayNumber(new Date());
    var t = zoned(at, { hour: '2-digit', minute: '2-digit' });
    var locale = lang === 'en' ? 'en-GB' : 'nl-NL';
    var day = days <= 0 ? (+t.hour >= 18 ? texts.tonight : texts.today) : days === 1 ? texts.tomorrow
      : at.toLocaleDateString(locale, days < 7 ? { timeZone: zone, weekday: 'long' } : { timeZone: zone, weekday: 'long', day: 'numeric', month: 'long' });
    return day + ' ' + texts.from + ' ' + t.hour + ':' + t.minute;
  }
  function showStatus(s) {
    lastStatus = s;
    var open = !!(s && s.open);
    launcher.classList.toggle('closed', !open);
    var next = !open && s && s.nextOpening ? nextOpeningText(s.nextOpening) : null;
    label.textContent = open ? texts.open : next ? texts.closedUntil + next : texts.closed;
    launcher.setAttribute('aria-label', label.textContent + ' (' + (open ? texts.stateOpen : texts.stateClosed) + ')' +
      (unread > 0 ? ', ' + texts.unread(unread) : ''));
  }
  function poll() {
    fetch(origin + '/api/status' + projectQuery, { credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer' })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(showStatus, function () { showStatus(null); });
  }
  fetch(origin + '/api/widget/config' + projectQuery, { credentials: 'omit', referrerPolicy: 'no-referrer' })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (c) { if (c && c.quickExitUrl) exitUrl = c.quickExitUrl; }, function () {});
  poll();
  setInterval(function () { if (!panel.classList.contains('open')) poll(); }, 30000);

  if (document.body) document.body.appendChild(host);
  else document.addEventListener('DOMContentLoaded', function () { document.body.appendChild(host); });
})();
