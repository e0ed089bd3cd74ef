// The visitor's chat. Runs in an iframe from the chat server (or stand-alone at /widget/).
// Privacy: no cookies and no persistent browser storage; only sessionStorage (this tab), cleared by quick exit and at
// the end of the chat.
// Messages are rendered with textContent only, never as HTML.
import { texts } from './i18n.js';
import { nextOpeningText, weekHours } from './opening.js';
import { TRY_AGAIN, backoff, hubConnection, hubError, newId } from '/_content/Chat.Widget/shared/hub-client.js';

const STORE_KEY = 'chat.session';
const params = new URLSearchParams(location.search);
const embedded = window.parent !== window;
// The host page's origin, where the browser tells it (Chromium, Safari): messages to and from the loader are checked
// against it. Elsewhere only messages from our own parent window are accepted.
const parentOrigin = embedded && location.ancestorOrigins?.length ? location.ancestorOrigins[0] : null;
const $ = (id) => document.getElementById(id);

const state = {
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
  feedbackConnection: null, // the ended chat's connection, kept open for the one feedback answer
  unread: 0,            // stand-alone only: expert messages that arrived while this tab was hidden (shown in the title)
  leaving: false,       // quick exit under way: nothing may reconnect or be stored again
  openings: null        // { nextOpening, upcoming } from /api/status, for the closed screen
};

// ---- storage (sessionStorage only) ----------------------------------------------------------------

function loadSession() {
  try { return JSON.parse(sessionStorage.getItem(STORE_KEY) || 'null'); } catch { return null; }
}
function saveSession() {
  if (state.session && !state.leaving) sessionStorage.setItem(STORE_KEY, JSON.stringify({ ...state.session, lang: state.lang }));
}
function clearSession() {
  state.session = null;
  try { sessionStorage.clear(); } catch { /* nothing stored */ }
}

// ---- texts --------------------------------------------------------------------------------------

const t = () => texts[state.lang];

function applyTexts() {
  document.documentElement.lang = state.lang;
  document.querySelectorAll('[data-t]').forEach((el) => { el.textContent = t()[el.dataset.t]; });
  $('quick-exit').textContent = t().quickExit;
  $('quick-exit').setAttribute('aria-label', t().quickExitLabel);
  $('quick-exit').title = t().quickExitLabel;
  $('lang-toggle').textContent = t().langSwitch;
  $('lang-toggle').setAttribute('aria-label', t().langSwitchLabel);
  $('lang-toggle').lang = state.lang === 'nl' ? 'en' : 'nl';
  renderEmergency();
  renderPhones();
  if (state.config) {
    $('org-name').textContent = state.config.organisationName;
    renderTitle();
    $('alternatives').textContent = state.config.alternatives[state.lang] || '';
    $('refused-alternatives').textContent = state.config.alternatives[state.lang] || '';
  }
  renderOpenings();
  renderChoices();
  renderHead();
  $('text').placeholder = state.status === 'active' ? t().placeholderActive : t().placeholderQueued;
  $('conn').textContent = t().reconnecting;
  if (state.status === 'ended') $('ended-text').textContent = endedText();
  renderFeedbackChoices();
}

// ---- feedback after the chat (one optional question; the answer goes to the day's counts only) ---------------------

function renderFeedbackChoices() {
  const score = document.querySelector('input[name=score]:checked')?.value;
  const helped = document.querySelector('input[name=helped]:checked')?.value;
  $('score-choices').replaceChildren(...[...Array(10).keys()].map((i) => radio('score', String(i + 1), String(i + 1), score === String(i + 1))));
  $('helped-choices').replaceChildren(...Object.entries(t().helped).map(([k, v]) => radio('helped', k, v, k === helped)));
}

function offerFeedback(offer) {
  renderFeedbackChoices();
  $('feedback').querySelectorAll('input').forEach((i) => { i.checked = false; });
  $('feedback-error').hidden = true;
  $('feedback-done').hidden = true;
  $('feedback').hidden = !offer;
}

function closeFeedback() {
  const c = state.feedbackConnection;
  state.feedbackConnection = null;
  if (c) { c.onclose(() => {}); c.stop().catch(() => {}); }
  $('feedback').hidden = true;
}

async function sendFeedback(ev) {
  ev.preventDefault();
  const score = document.querySelector('input[name=score]:checked')?.value;
  const helped = document.querySelector('input[name=helped]:checked')?.value || null;
  if (!score && !helped) {
    $('feedback-error').textContent = t().feedbackEmpty;
    $('feedback-error').hidden = false;
    return;
  }
  $('feedback-send').disabled = true;
  let text = t().feedbackThanks;
  try {
    await state.feedbackConnection.invoke('GiveFeedback', { score: score ? Number(score) : null, helped });
  } catch (err) {
    // Already answered (another tab) is thanked too; anything else is said calmly.
    text = /al iets laten weten/i.test(hubError(err)?.text ?? '') ? t().feedbackThanks : t().feedbackFailed;
  } finally {
    $('feedback-send').disabled = false;
  }
  closeFeedback();
  $('feedback-done').textContent = text;
  $('feedback-done').hidden = false;
  $('feedback-done').focus();
}

function skipFeedback() {
  closeFeedback();
  const heading = $('ended-title');
  heading.tabIndex = -1;
  heading.focus();
}

// The page title; "(2) name" while messages arrived in a hidden tab (stand-alone; embedded, the loader does this).
function renderTitle() {
  const name = state.config?.organisationName || 'Chat';
  document.title = state.unread > 0 ? `(${state.unread}) ${name}` : name;
}

// The expert joined, wrote or ended while the visitor may not be looking. Embedded, the loader shows a badge on the
// minimised launcher and a count in the host page's title; stand-alone, the title counts while the tab is hidden.
function notice() {
  if (state.leaving) return;
  if (embedded) { window.parent.postMessage({ type: 'chat:notice' }, parentOrigin || '*'); return; }
  if (document.hidden) { state.unread++; renderTitle(); }
}
document.addEventListener('visibilitychange', () => {
  if (!document.hidden && state.unread > 0) { state.unread = 0; renderTitle(); }
});

// "In acute danger? Call <112>." : the numbers in angle brackets become tap-to-call links, built as DOM nodes.
// While the refused screen shows its large call buttons for the same numbers, they stay bold text here, so that a
// screen reader does not meet every number twice as a link.
function renderEmergency() {
  const el = $('emergency');
  const links = $('screen-refused').hidden;
  el.replaceChildren();
  t().emergency.split(/(<[^>]+>)/).forEach((part) => {
    if (part.startsWith('<')) {
      const number = part.slice(1, -1);
      const s = document.createElement('strong');
      s.textContent = number;
      if (!links) { el.append(s); return; }
      const a = document.createElement('a');
      a.href = 'tel:' + number.replace(/[^0-9+]/g, '');
      a.className = 'tel';
      a.append(s);
      el.append(a);
    } else if (part) el.append(document.createTextNode(part));
  });
}

function radio(name, value, label, checked) {
  const wrap = document.createElement('label');
  const input = document.createElement('input');
  input.type = 'radio'; input.name = name; input.value = value; input.checked = checked;
  const span = document.createElement('span');
  span.textContent = label;
  wrap.append(input, span);
  return wrap;
}

function renderChoices(fresh = false) {
  const keep = (name, fallback) => (fresh ? null : document.querySelector(`input[name=${name}]:checked`)?.value) ?? fallback;
  const about = keep('about', 'unspecified');
  const pref = keep('pref', 'any');
  const follow = keep('follow', 'unknown');
  const gender = keep('gender', 'any');
  $('about-choices').replaceChildren(...Object.entries(t().about).map(([k, v]) => radio('about', k, v, k === about)));
  $('pref-choices').replaceChildren(...Object.entries(t().pref).map(([k, v]) => radio('pref', k, v, k === pref)));
  $('gender-choices').replaceChildren(...Object.entries(t().gender).map(([k, v]) => radio('gender', k, v, k === gender)));
  $('follow-choices').replaceChildren(...Object.entries(t().follow).map(([k, v]) => radio('follow', k, v, k === follow)));
}

// ---- screens ------------------------------------------------------------------------------------

// 'transcript': the ended banner above the conversation that just ended (read-only), until the visitor closes it.
function show(screen) {
  for (const s of ['loading', 'closed', 'intro', 'chat', 'ended', 'refused']) {
    $('screen-' + s).hidden = screen === 'transcript' ? s !== 'ended' && s !== 'chat' : s !== screen;
  }
  const transcript = screen === 'transcript';
  document.body.classList.toggle('transcript', transcript);
  $('ended-privacy').hidden = transcript;
  $('ended-privacy-transcript').hidden = !transcript;
  $('close-transcript').hidden = !transcript;
  renderEmergency();
  renderPhones();
}

// The refused screen's tap-to-call links, built only while it shows (the emergency line above is always there).
function renderPhones() {
  const list = $('phones');
  if ($('screen-refused').hidden) { list.replaceChildren(); return; }
  const phone = (name, number, tel, note) => {
    const li = document.createElement('li');
    const a = document.createElement('a');
    a.className = 'phone';
    a.href = 'tel:' + tel;
    const parts = [['phone-name', name], ['phone-number', number], ['phone-note', note]].map(([cls, text]) => {
      const span = document.createElement('span');
      span.className = cls;
      span.textContent = text;
      return span;
    });
    a.append(parts[0], ' ', parts[1], ' ', parts[2]); // spaces keep the link's accessible name readable
    li.append(a);
    return li;
  };
  list.replaceChildren(
    phone(t().phoneVeiligThuis, '0800-2000', '08002000', t().phoneVeiligThuisNote),
    phone(t().phoneEmergency, '112', '112', t().phoneEmergencyNote));
}

// The server refused a new chat (limit, blocked or queue full) or did not accept the connection. The same calm
// screen for every reason; nothing is stored in this tab, and the connection is closed so it holds no slot.
function showRefused() {
  state.status = 'none';
  clearSession();
  stopConnection();
  $('conn').hidden = true;
  show('refused');
  $('refused-title').focus();
}

function renderHead() {
  const head = $('chat-head');
  head.replaceChildren();
  if (state.status === 'queued' && state.queue) {
    const a = document.createElement('strong');
    a.textContent = t().queued(state.queue.position);
    const b = document.createElement('div');
    b.textContent = t().wait(state.queue.estimatedWaitSeconds);
    head.append(a, b);
  } else if (state.status === 'active') {
    head.textContent = t().talkingWith(state.expertName || t().expertFallback);
  }
  renderExpertAway();
}

// The expert's connection dropped: a calm line, gone again when the expert is back (or the chat moves on).
function renderExpertAway() {
  const el = $('expert-away');
  const away = state.expertAway && state.status === 'active';
  el.textContent = away ? t().expertAway : '';
  el.hidden = !away;
}

function endedText() {
  const by = state.endedBy;
  return by === 'expert' ? t().endedByExpert : by === 'visitor' ? t().endedByVisitor : t().endedBySystem;
}

// The chat ended. This tab's storage is cleared at once, but the conversation stays on screen (read-only) under the
// ended banner: the expert's last words ("bel 112 als ...") must stay readable until the visitor closes it.
function showEnded(endedBy) {
  state.status = 'ended';
  state.endedBy = endedBy;
  state.expertAway = false;
  clearSession();
  // After a chat with an expert the connection stays open for the one optional feedback answer (the server knows the
  // chat by this connection); otherwise it closes now.
  const offer = state.hadExpert && !!state.connection && !state.leaving;
  if (offer) {
    closeFeedback();
    state.feedbackConnection = state.connection;
    state.connection = null;
    state.feedbackConnection.onclose(() => {});
  } else stopConnection();
  offerFeedback(offer);
  clearTimeout(state.gapTimer); state.gapTimer = null;
  $('conn').hidden = true;
  $('typing').hidden = true;
  $('ended-text').textContent = endedText();
  const hasTranscript = $('messages').querySelector('li.msg') !== null;
  show(hasTranscript ? 'transcript' : 'ended');
  if (hasTranscript) scrollDown();
  // Focus the heading, not a button: a visitor typing when the expert ends must not start a new chat with Enter.
  const heading = $('ended-title');
  heading.tabIndex = -1;
  heading.focus();
}

// Forgets the ended conversation on this screen too.
function clearTranscript() {
  $('messages').replaceChildren();
  state.seen.clear();
  state.lastSeq = 0;
  state.contiguous = 0;
  state.expertName = null;
  state.queue = null;
}

// ---- messages -----------------------------------------------------------------------------------

function time(iso) {
  const d = iso ? new Date(iso) : new Date();
  return d.toLocaleTimeString(state.lang === 'en' ? 'en-GB' : 'nl-NL', { hour: '2-digit', minute: '2-digit' });
}

function messageElement(from, text, meta) {
  const li = document.createElement('li');
  li.className = 'msg ' + from;
  const body = document.createElement('span');
  body.className = 'text';
  body.textContent = text;
  const m = document.createElement('span');
  m.className = 'meta';
  m.textContent = meta;
  li.append(body, m);
  return li;
}

// A referral card from the expert: the organisation's name, what it does, when it is reachable, a tap-to-call number and
// its site (a new tab that is not told where the visitor came from). Every part is set as text; the link only when https.
function cardElement(card, text, meta) {
  const li = document.createElement('li');
  li.className = 'msg expert card';
  const el = (tag, className, content) => {
    const x = document.createElement(tag);
    x.className = className;
    if (content) x.textContent = content;
    return x;
  };
  const body = el('div', 'card-body');
  body.append(el('span', 'card-label', t().cardLabel), el('strong', 'card-name', card.name || text));
  if (card.description) body.append(el('span', 'card-description', card.description));
  if (card.hours) body.append(el('span', 'card-hours', t().cardHours(card.hours)));
  const actions = el('div', 'card-actions');
  const tel = String(card.phone || '').replace(/[^0-9+]/g, '');
  if (tel) {
    const a = el('a', 'card-call', t().cardCall(card.phone));
    a.href = 'tel:' + tel;
    actions.append(a);
  }
  let url = null;
  try { url = card.url ? new URL(card.url) : null; } catch { url = null; }
  if (url && url.protocol === 'https:') {
    const shown = url.hostname.replace(/^www\./, '');
    const a = el('a', 'card-link', shown);
    a.href = url.href;
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
    a.setAttribute('aria-label', t().cardLinkLabel(shown, card.name)); // starts with the visible text (voice control)
    actions.append(a);
  }
  if (actions.childElementCount) body.append(actions);
  li.append(body, el('span', 'meta', meta));
  return li;
}

function scrollDown() {
  const list = $('messages');
  list.scrollTop = list.scrollHeight;
}

// Marks a seq as seen; a hole below the highest seq (an event lost between nodes) is filled by a resume.
function see(seq) {
  state.seen.add(seq);
  state.lastSeq = Math.max(state.lastSeq, seq);
  while (state.seen.has(state.contiguous + 1)) state.contiguous++;
  if (state.lastSeq > state.contiguous && !state.gapTimer) {
    state.gapTimer = setTimeout(() => { state.gapTimer = null; if (state.lastSeq > state.contiguous) resume(state.contiguous); }, 1500);
  }
}

function renderMessage(msg) {
  if (state.seen.has(msg.seq)) return;
  see(msg.seq);
  const pendingEl = msg.from === 'visitor' ? document.querySelector(`li[data-client-id="${CSS.escape(msg.clientMessageId)}"]`) : null;
  const who = msg.from === 'expert' ? (state.expertName || t().expertFallback) + ' · ' : '';
  const el = msg.card && msg.from === 'expert' ? cardElement(msg.card, msg.text, who + time(msg.sentAt)) : messageElement(msg.from, msg.text, who + time(msg.sentAt));
  el.dataset.seq = String(msg.seq);
  if (pendingEl) pendingEl.replaceWith(el);
  else insertInOrder(el, msg.seq);
  if (msg.from === 'visitor') dropPending(msg.clientMessageId);
  scrollDown();
}

function insertInOrder(el, seq) {
  const list = $('messages');
  const after = [...list.children].find((li) => li.dataset.seq && Number(li.dataset.seq) > seq);
  list.insertBefore(el, after || null);
}

function renderPending(p) {
  const el = messageElement('visitor', p.text, time());
  el.classList.add('pending');
  el.dataset.clientId = p.id;
  el.querySelector('.meta').dataset.pending = t().notSent;
  $('messages').append(el);
  scrollDown();
}

function markFailed(id, reason) {
  const el = document.querySelector(`li[data-client-id="${CSS.escape(id)}"]`);
  if (el) {
    el.querySelector('.meta').dataset.pending = t().failed + (reason ? ': ' + reason : '');
  }
  dropPending(id);
}

function dropPending(id) {
  if (!state.session) return;
  state.session.pending = state.session.pending.filter((p) => p.id !== id);
  saveSession();
}

function systemLine(text) {
  $('messages').append(messageElement('system', text, ''));
  scrollDown();
}

// Sends one pending message. An unacknowledged send stays pending (shown "not sent yet") and is sent again
// with the same id after a reconnect; the server stores it once.
async function trySend(p) {
  const c = state.connection;
  if (!c || c.state !== signalR.HubConnectionState.Connected) return;
  try {
    const ack = await c.invoke('SendMessage', p.id, p.text);
    const el = document.querySelector(`li[data-client-id="${CSS.escape(p.id)}"]`);
    if (el && !state.seen.has(ack.seq)) {
      see(ack.seq);
      el.classList.remove('pending');
      el.dataset.seq = String(ack.seq);
      delete el.dataset.clientId;
    }
    dropPending(p.id);
  } catch (err) {
    const e = hubError(err);
    if (e && e.code !== TRY_AGAIN) { markFailed(p.id, visitorError(e)); return; }
    // The connection broke or the server is briefly unavailable: it stays pending ("not sent yet") and is sent
    // again with the same id, after the reconnect or a few seconds from now. The server stores it once.
    if (e && !state.retryTimer) state.retryTimer = setTimeout(() => { state.retryTimer = null; flushPending(); }, 3000);
  }
}

async function flushPending() {
  for (const p of [...(state.session?.pending || [])]) await trySend(p);
}

// The hub answers in Dutch. The errors a visitor can meet are recognised and shown in the widget's own words (and
// language); anything else falls back to the server's message (its text, without a code).
const hubErrors = [
  [/al een gesprek open/i, 'alreadyOpen'],
  [/bericht is leeg/i, 'empty'],
  [/te lang/i, 'tooLong'],
  [/maximale aantal berichten/i, 'chatFull'],
  [/beëindigd; het bericht/i, 'chatEnded'],
  [/geen gesprek/i, 'noChat'],
  [/ging iets mis/i, 'server']
];
/** @param e a hub error as `hubError` reads it */
function visitorError(e) {
  if (e.code === TRY_AGAIN) return t().errors.busy;
  const known = hubErrors.find(([pattern]) => pattern.test(e.text));
  return known ? t().errors[known[1]] : e.text;
}

// ---- connection ---------------------------------------------------------------------------------

// An expert took the chat (ChatStarted, or Resume found it so after the event was missed).
function expertJoined(expert) {
  state.status = 'active';
  state.expertAway = false;
  state.expertName = expert?.displayName || null;
  state.hadExpert = true;
  renderHead();
  $('text').placeholder = t().placeholderActive;
  systemLine(t().joined(state.expertName || t().expertFallback));
  notice();
}

// Passed on to another expert (or the expert was lost): waiting again, at the front of the queue (BackInQueue, or
// Resume found it so).
function backInQueue() {
  state.status = 'queued';
  state.expertName = null;
  state.expertAway = false;
  state.queue = { position: 1, estimatedWaitSeconds: null };
  $('typing').hidden = true;
  renderHead();
  $('text').placeholder = t().placeholderQueued;
}

function buildConnection() {
  const c = hubConnection('/hubs/visitor');

  c.on('QueueUpdated', (e) => {
    if (state.status !== 'queued') return;
    state.queue = e;
    renderHead();
  });
  c.on('ChatStarted', (e) => expertJoined(e.expert));
  c.on('MessageReceived', (m) => {
    if (m.from === 'expert' && !state.seen.has(m.seq)) notice();
    renderMessage(m);
  });
  c.on('BackInQueue', backInQueue);
  c.on('TypingChanged', (e) => {
    if (e.from !== 'expert') return;
    const el = $('typing');
    el.textContent = t().typing(state.expertName || t().expertFallback);
    el.hidden = !e.isTyping;
  });
  c.on('ExpertConnectionChanged', (e) => {
    state.expertAway = !e.connected;
    renderExpertAway();
  });
  c.on('ChatEnded', (e) => {
    if (e.endedBy !== 'visitor') notice();
    showEnded(e.endedBy);
  });
  // The server may have missed events for us (its link to the other servers was down): fetch what we lack.
  // Spread over a few seconds, so the clients of one server do not all ask at once.
  c.on('Resync', () => {
    if (state.session && state.status !== 'ended') setTimeout(() => resume(state.contiguous), Math.random() * 3000);
  });

  c.onreconnecting(() => { $('conn').hidden = false; });
  c.onreconnected(async () => {
    await resume(state.contiguous);
    $('conn').hidden = true;
  });
  c.onclose(() => {
    // Automatic reconnect gave up (it does not with our policy) or the server closed us: start again.
    if (state.session && state.status !== 'ended' && !state.leaving) { $('conn').hidden = false; connectWithRetry().then(() => resume(state.contiguous)); }
  });
  return c;
}

// An ongoing chat keeps trying for ever (the banner says so). A new start tries a few times and then throws: a
// connection the server turns away (too many from one address: HTTP 429 at the handshake, which a browser's
// WebSocket cannot tell from any other failure) must not leave the visitor waiting without end.
async function connectWithRetry(maxAttempts = Infinity) {
  if (!state.connection) state.connection = buildConnection();
  const ongoing = maxAttempts === Infinity;
  for (let attempt = 0; ; attempt++) {
    if (state.leaving) return;
    try {
      const c = state.connection;
      if (c.state === signalR.HubConnectionState.Disconnected) await c.start();
      if (state.leaving) { c.stop().catch(() => {}); return; }
      $('conn').hidden = true;
      return;
    } catch (err) {
      if (attempt + 1 >= maxAttempts) throw err;
      if (ongoing) $('conn').hidden = false;
      await new Promise((r) => setTimeout(r, backoff({ previousRetryCount: attempt })));
    }
  }
}

function stopConnection() {
  const c = state.connection;
  state.connection = null;
  if (c) { c.onclose(() => {}); c.stop().catch(() => {}); }
}

// Reads the chat as the server has it (after a reconnect, a Resync or a reload of the page) and goes where the events
// would have taken it: the messages missed, and the start, the way back into the queue or the end of the chat even
// when that event itself was lost.
async function resume(afterSeq, attempt = 0) {
  if (!state.session || !state.connection) return;
  let r;
  try {
    r = await state.connection.invoke('Resume', state.session.resumeToken, afterSeq);
  } catch (err) {
    // Briefly unavailable: ask again a moment later. The connection broke: onreconnected calls us once more.
    if (hubError(err)?.code === TRY_AGAIN) setTimeout(() => resume(state.contiguous, attempt + 1), backoff({ previousRetryCount: attempt }));
    return;
  }
  if (!state.session || state.status === 'ended') return; // left or ended meanwhile
  const was = state.status; // 'none' after a reload of the page: nothing to announce then
  const news = was !== 'none' && r.messages.some((m) => m.from === 'expert' && !state.seen.has(m.seq));
  if (r.status === 'ended') {
    // The last words before the end (the expert's "bel 112 als ...") stay readable above the ended banner. The
    // feedback question only if an expert's words are in the transcript.
    for (const m of r.messages) renderMessage(m);
    state.hadExpert ||= r.messages.some((m) => m.from === 'expert') || r.expert != null;
    if (was !== 'none' && r.endedBy !== 'visitor') notice(); // as ChatEnded would have
    showEnded(r.endedBy || 'system');
    return;
  }
  const expertName = r.expert?.displayName || null;
  if (r.status === 'active' && (was === 'queued' || (was === 'active' && expertName !== state.expertName))) expertJoined(r.expert);
  if (r.status === 'queued' && was === 'active') backInQueue();
  state.status = r.status;
  state.expertName = expertName;
  if (r.status === 'active') state.hadExpert = true;
  if (r.status === 'queued') state.queue = { position: r.position, estimatedWaitSeconds: r.estimatedWaitSeconds };
  renderHead();
  $('text').placeholder = r.status === 'active' ? t().placeholderActive : t().placeholderQueued;
  for (const m of r.messages) renderMessage(m);
  if (news) notice();
  await flushPending();
}

// ---- actions ------------------------------------------------------------------------------------

async function startChat(ev) {
  ev.preventDefault();
  const btn = $('start');
  btn.disabled = true;
  // Before the start: the server may push ChatStarted before StartChat answers.
  clearTranscript();
  state.endedBy = null;
  state.expertAway = false;
  $('start-error').hidden = true;
  closeFeedback();
  offerFeedback(false);
  state.hadExpert = false;
  const follow = document.querySelector('input[name=follow]:checked')?.value;
  const request = {
    about: document.querySelector('input[name=about]:checked')?.value || 'unspecified',
    preferredExperience: document.querySelector('input[name=pref]:checked')?.value || 'any',
    followUp: follow === 'yes' ? true : follow === 'no' ? false : null,
    referral: params.get('referral') || null,
    language: state.lang,
    preferredGender: document.querySelector('input[name=gender]:checked')?.value || 'any'
  };
  try {
    try {
      await connectWithRetry(3);
    } catch {
      showRefused();
      return;
    }
    const r = await state.connection.invoke('StartChat', request);
    if (r.status === 'closed') { stopConnection(); await refreshStatus(); return; }
    if (r.status === 'refused') { showRefused(); return; }
    state.session = { resumeToken: r.resumeToken, pending: [] };
    saveSession();
    state.status = r.status === 'active' ? 'active' : 'queued';
    state.queue = { position: r.position, estimatedWaitSeconds: r.estimatedWaitSeconds };
    renderHead();
    show('chat');
    $('text').placeholder = state.status === 'active' ? t().placeholderActive : t().placeholderQueued;
    $('text').focus();
  } catch (err) {
    const e = hubError(err);
    $('start-error').textContent = e ? visitorError(e) : t().startFailed;
    $('start-error').hidden = false;
  } finally {
    btn.disabled = false;
  }
}

function sendFromComposer(ev) {
  ev.preventDefault();
  const box = $('text');
  const text = box.value.trim();
  if (!text || !state.session) return;
  const max = state.config?.maxMessageLength || 2000;
  const p = { id: newId(), text: text.slice(0, max) };
  state.session.pending.push(p);
  saveSession();
  renderPending(p);
  box.value = '';
  sendTyping(false);
  trySend(p);
}

function sendTyping(isTyping) {
  const c = state.connection;
  if (!c || c.state !== signalR.HubConnectionState.Connected || state.status !== 'active') return;
  const now = Date.now();
  if (isTyping && now - state.lastTypingSent < 3000) return;
  state.lastTypingSent = isTyping ? now : 0;
  c.invoke('Typing', isTyping).catch(() => {});
}

function onInput() {
  sendTyping(true);
  clearTimeout(state.typingTimer);
  state.typingTimer = setTimeout(() => sendTyping(false), 4000);
}

async function leave() {
  if (!confirm(t().leaveConfirm)) return;
  try { await state.connection?.invoke('LeaveChat'); } catch { /* ended locally anyway */ }
  showEnded('visitor');
}

// Forgets everything in this tab and ends the chat on the server. The request is handed to the browser at once and
// outlives the page (a keepalive request, like a beacon; a hub call would die with the page). Unlike a beacon it
// tells us when the server has it: the promise settles then, or after at most `waitMs`, whichever comes first.
function forgetAndEnd(waitMs) {
  state.leaving = true;
  closeFeedback();
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
function quickExit() {
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
window.addEventListener('message', (e) => {
  if (!embedded || e.source !== window.parent || (parentOrigin && e.origin !== parentOrigin)) return;
  if (e.data?.type !== 'quick-exit') return;
  // The loader leaves after ~300 ms whatever happens; answer as soon as the server has the leave request.
  forgetAndEnd(250).then(() => window.parent.postMessage({ type: 'chat:quick-exit-done' }, parentOrigin || '*'));
});

// Shift pressed three times within two seconds (GOV.UK's "Exit this page"). Any other key in between starts the
// count again, so typing capitals does not count. Esc never leaves: people press it by reflex.
function onShiftThrice(handler) {
  let presses = [];
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Shift') { presses = []; return; }
    if (e.repeat) return;
    const now = Date.now();
    presses = presses.filter((at) => now - at < 2000).concat(now);
    if (presses.length >= 3) { presses = []; handler(); }
  }, true);
}

// The closed screen: when the chat opens next and the planned hours of the coming seven days (from the roster). Without
// a roster the organisation's configured opening-hours text shows instead.
function renderOpenings() {
  const now = new Date();
  const next = nextOpeningText(state.openings?.nextOpening, now, state.lang);
  $('next-opening').hidden = !next;
  $('next-opening-text').textContent = next || '';
  const planned = state.openings?.upcoming?.length > 0;
  $('week-hours-box').hidden = !planned;
  $('week-hours').replaceChildren(...(planned ? weekHours(state.openings.upcoming, now, state.lang) : []).map((d) => {
    const li = document.createElement('li');
    if (!d.hours) li.className = 'closed';
    const day = document.createElement('span');
    day.className = 'wh-day';
    day.textContent = d.label;
    const hours = document.createElement('span');
    hours.className = 'wh-hours';
    hours.textContent = d.hours || d.closedText;
    li.append(day, ' ', hours);
    return li;
  }));
  $('opening-hours').textContent = planned ? '' : state.config?.openingHours?.[state.lang] || '';
  $('opening-hours').hidden = planned;
}

// While the closed screen shows, look again every 30 seconds: the chat opens as soon as an expert starts a shift.
let closedPoll = null;
async function refreshStatus() {
  clearTimeout(closedPoll);
  let open = false;
  try {
    const s = await (await fetch('/api/status', { cache: 'no-store' })).json();
    open = !!s.open;
    state.openings = { nextOpening: s.nextOpening ?? null, upcoming: Array.isArray(s.upcoming) ? s.upcoming : [] };
  } catch { /* shown as closed; tried again below */ }
  $('status-dot').classList.toggle('open', open);
  if (!open) renderOpenings();
  show(open ? 'intro' : 'closed');
  if (!open) closedPoll = setTimeout(() => { if (!$('screen-closed').hidden) refreshStatus(); }, 30000);
}

function focusScreen() {
  const heading = document.querySelector('.screen:not([hidden]) h2');
  if (heading) { heading.tabIndex = -1; heading.focus(); }
}

// ---- start --------------------------------------------------------------------------------------

async function init() {
  onShiftThrice(quickExit);
  if (embedded) window.parent.postMessage({ type: 'chat:ready' }, parentOrigin || '*');
  // Restored from the back-forward cache after a quick exit elsewhere in this tab cleared our storage: what is on
  // screen must not stay. Start afresh.
  window.addEventListener('pageshow', (e) => {
    if (e.persisted && state.session && !loadSession()) { document.body.replaceChildren(); location.reload(); }
  });
  const saved = loadSession();
  state.lang = saved?.lang || (params.get('lang') === 'en' ? 'en' : 'nl');
  if (!embedded) document.body.classList.add('standalone');
  try { state.config = await (await fetch('/api/widget/config')).json(); } catch { state.config = null; }
  applyTexts();

  $('quick-exit').addEventListener('click', quickExit);
  $('lang-toggle').addEventListener('click', () => {
    state.lang = state.lang === 'nl' ? 'en' : 'nl';
    saveSession();
    applyTexts();
  });
  $('intro-form').addEventListener('submit', startChat);
  $('composer').addEventListener('submit', sendFromComposer);
  $('text').addEventListener('input', onInput);
  $('text').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) sendFromComposer(e);
  });
  $('leave').addEventListener('click', leave);
  $('feedback').addEventListener('submit', sendFeedback);
  $('feedback-skip').addEventListener('click', skipFeedback);
  // The button that was pressed disappears with its screen: move focus to the heading of the one that follows.
  // A new conversation starts empty: no earlier messages, no earlier answers selected.
  const startOver = async () => {
    closeFeedback();
    offerFeedback(false);
    clearTranscript();
    state.endedBy = null;
    state.status = 'none';
    renderChoices(true);
    show('loading');
    await refreshStatus();
    focusScreen();
  };
  $('again').addEventListener('click', startOver);
  $('retry').addEventListener('click', startOver);
  $('close-transcript').addEventListener('click', () => {
    clearTranscript();
    show('ended');
    const heading = $('ended-title');
    heading.tabIndex = -1;
    heading.focus();
  });

  if (saved?.resumeToken) {
    state.session = { resumeToken: saved.resumeToken, pending: saved.pending || [] };
    show('chat');
    for (const p of state.session.pending) renderPending(p);
    await connectWithRetry();
    await resume(0);
    if (state.status !== 'ended') $('status-dot').classList.add('open');
    return;
  }
  await refreshStatus();
}

init();
