// The connection to the visitor hub: events, reconnects, and Resume, which reads the chat as the server has it.
import { askLeave } from './leave-dialog.js';
import { flushPending, renderMessage, systemLine } from './messages.js';
import { hideOverflowOffer, showOverflowOffer } from './overflow.js';
import { notice, renderExpertAway, renderHead, showEnded } from './screens.js';
import { $, saveSession, state, t } from './state.js';
import { TRY_AGAIN, backoff, hubConnection, hubError } from '/_content/Chat.Widget/shared/hub-client.js';

// An expert took the chat (ChatStarted, or Resume found it so after the event was missed).
export function expertJoined(expert) {
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
export function backInQueue() {
  state.status = 'queued';
  state.expertName = null;
  state.expertAway = false;
  state.queue = { position: 1, estimatedWaitSeconds: null };
  $('typing').hidden = true;
  renderHead();
  $('text').placeholder = t().placeholderQueued;
}

// The server put this visitor first (they said they are in danger, or wrote an urgent word while waiting): the 112 line
// shows in the chat's head from now on, also after a reload. The widget is never told which word.
function markUrgent(urgent) {
  if (!urgent || state.inDanger) return;
  state.inDanger = true;
  if (state.session) { state.session.inDanger = true; saveSession(); }
}

export function buildConnection() {
  const c = hubConnection('/hubs/visitor');

  c.on('QueueUpdated', (e) => {
    if (state.status !== 'queued') return;
    state.queue = e;
    markUrgent(e.urgent);
    renderHead();
  });
  c.on('ChatStarted', (e) => { hideOverflowOffer(); expertJoined(e.expert); });
  c.on('MessageReceived', (m) => {
    if (m.from === 'expert' && !state.seen.has(m.seq)) notice();
    renderMessage(m);
  });
  c.on('BackInQueue', backInQueue);
  // A partner project has someone free: asked in the chat while waiting (overflow.js); a yes keeps the place here too.
  c.on('OverflowOffered', (e) => {
    if (state.status !== 'queued') return;
    showOverflowOffer(e, 'queued', async (project) => {
      const r = await state.connection.invoke('AcceptOverflow', project);
      hideOverflowOffer();
      if (r.status === 'queued') state.queue = { position: r.position, estimatedWaitSeconds: r.estimatedWaitSeconds };
      renderHead();
    });
  });
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
export async function connectWithRetry(maxAttempts = Infinity) {
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

export function stopConnection() {
  const c = state.connection;
  state.connection = null;
  if (c) { c.onclose(() => {}); c.stop().catch(() => {}); }
}

// Reads the chat as the server has it (after a reconnect, a Resync or a reload of the page) and goes where the events
// would have taken it: the messages missed, and the start, the way back into the queue or the end of the chat even
// when that event itself was lost.
export async function resume(afterSeq, attempt = 0) {
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
    // The last words before the end (the expert's "bel 112 als ...") stay readable above the ended notice. The
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
  markUrgent(r.urgent);
  renderHead();
  $('text').placeholder = r.status === 'active' ? t().placeholderActive : t().placeholderQueued;
  for (const m of r.messages) renderMessage(m);
  if (news) notice();
  await flushPending();
}

export async function leave() {
  if (!await askLeave()) return;
  try { await state.connection?.invoke('LeaveChat'); } catch { /* ended locally anyway */ }
  showEnded('visitor');
}
