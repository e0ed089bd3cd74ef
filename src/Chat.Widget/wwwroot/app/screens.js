// Which screen shows (loading, closed, intro, chat, ended, refused, or the transcript with the ended notice below it),
// the lines every screen carries (the emergency numbers, the title, the chat's head) and the end of a chat.
import { stopConnection } from './connection.js';
import { closeFeedback, offerFeedback } from './feedback.js';
import { offerFollowUp } from './mailbox.js';
import { $, clearSession, embedded, parentOrigin, state, t } from './state.js';

// The page title; "(2) name" while messages arrived in a hidden tab (stand-alone; embedded, the loader does this).
export function renderTitle() {
  const name = state.config?.organisationName || 'Chat';
  document.title = state.unread > 0 ? `(${state.unread}) ${name}` : name;
}

// The expert joined, wrote or ended while the visitor may not be looking. Embedded, the loader shows a badge on the
// minimised launcher and a count in the host page's title; stand-alone, the title counts while the tab is hidden.
export function notice() {
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
export function renderEmergency() {
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

export function radio(name, value, label, checked) {
  const wrap = document.createElement('label');
  const input = document.createElement('input');
  input.type = 'radio'; input.name = name; input.value = value; input.checked = checked;
  const span = document.createElement('span');
  span.textContent = label;
  wrap.append(input, span);
  return wrap;
}

// 'transcript': the conversation that just ended (read-only) with the ended notice below it, until the visitor closes
// it; the area under the header scrolls as one column (app.css).
export function show(screen) {
  for (const s of ['loading', 'closed', 'intro', 'chat', 'ended', 'refused', 'mailbox']) {
    $('screen-' + s).hidden = screen === 'transcript' ? s !== 'ended' && s !== 'chat' : s !== screen;
  }
  const transcript = screen === 'transcript';
  document.body.classList.toggle('transcript', transcript);
  // The conversation is a scroll region that mostly holds no control, so it takes the focus itself: keyboard users can
  // scroll it in a running chat, and reach it after the end too (axe: scrollable-region-focusable; Firefox and Safari do not
  // focus a scroll box by themselves).
  $('messages').tabIndex = 0;
  $('messages').setAttribute('aria-label', transcript ? t().transcriptLabel : t().conversationLabel);
  $('ended-privacy').hidden = transcript;
  $('ended-privacy-transcript').hidden = !transcript;
  $('close-transcript').hidden = !transcript;
  renderEmergency();
  renderPhones();
}

// The tap-to-call links of the refused and the closed screen, built only while one shows (the emergency line above is
// always there). While closed, 112 and Veilig Thuis come first, before the opening hours and anything else.
export function renderPhones() {
  const refused = $('phones');
  const closed = $('closed-phones');
  refused.replaceChildren();
  closed.replaceChildren();
  if (!$('screen-refused').hidden) refused.replaceChildren(...phones(false));
  if (!$('screen-closed').hidden) closed.replaceChildren(...phones(true));
}

function phones(emergencyFirst) {
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
  const vt = phone(t().phoneVeiligThuis, '0800-2000', '08002000', t().phoneVeiligThuisNote);
  const emergency = phone(t().phoneEmergency, '112', '112', t().phoneEmergencyNote);
  return emergencyFirst ? [emergency, vt] : [vt, emergency];
}

// The server refused a new chat (limit, blocked or queue full) or did not accept the connection. The same calm
// screen for every reason, with a line that says what is true: too many chats from this address (shared Wi-Fi counts),
// or busy; a block or a refused connection gets the neutral "try again later" (a blocked visitor is not told so).
// Nothing is stored in this tab, and the connection is closed so it holds no slot.
export function refusedText() {
  return state.refused === 'limit' ? t().refusedLimit : state.refused === 'busy' ? t().refusedBusy : t().refusedText;
}

export function showRefused(reason = null) {
  state.refused = reason;
  $('refused-text').textContent = refusedText();
  state.status = 'none';
  clearSession();
  stopConnection();
  $('conn').hidden = true;
  show('refused');
  $('refused-title').focus();
}

export function renderHead() {
  const head = $('chat-head');
  head.replaceChildren();
  if (state.status === 'queued' && state.queue) {
    const a = document.createElement('strong');
    a.textContent = t().queued(state.queue.position);
    const b = document.createElement('div');
    b.textContent = t().wait(state.queue.estimatedWaitSeconds);
    head.append(a, b);
    if (state.inDanger) {
      const d = document.createElement('p');
      d.className = 'danger-line';
      const call = document.createElement('a');
      call.className = 'call-112';
      call.href = 'tel:112';
      call.textContent = t().dangerCall;
      const text = document.createElement('span');
      text.textContent = t().dangerQueued;
      d.append(text, ' ', call);
      head.append(d);
    }
  } else if (state.status === 'active') {
    head.textContent = t().talkingWith(state.expertName || t().expertFallback);
  }
  renderExpertAway();
}

// The expert's connection dropped: a calm line, gone again when the expert is back (or the chat moves on).
export function renderExpertAway() {
  const el = $('expert-away');
  const away = state.expertAway && state.status === 'active';
  el.textContent = away ? t().expertAway : '';
  el.hidden = !away;
}

// The expert by the name the visitor knew them by ("Sanne heeft het gesprek beëindigd"), if the chat had one: kept from
// the end on, so that the text stays the same in the other language after "Gesprek sluiten" forgot the name.
let endedExpertName = null;
export function endedText() {
  const by = state.endedBy;
  if (by === 'expert') return endedExpertName ? t().endedByNamedExpert(endedExpertName) : t().endedByExpert;
  return by === 'visitor' ? t().endedByVisitor : t().endedBySystem;
}

// The chat ended. This tab's storage is cleared at once, but the conversation stays on screen (read-only) above the
// ended notice: the expert's last words ("bel 112 als ...") must stay readable until the visitor closes it.
export function showEnded(endedBy) {
  state.status = 'ended';
  state.endedBy = endedBy;
  endedExpertName = state.expertName;
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
  offerFollowUp(offer); // mailbox.js: "Vraag een code" to continue later
  clearTimeout(state.gapTimer); state.gapTimer = null;
  $('conn').hidden = true;
  $('typing').hidden = true;
  $('ended-text').textContent = endedText();
  const hasTranscript = $('messages').querySelector('li.msg') !== null;
  show(hasTranscript ? 'transcript' : 'ended');
  if (hasTranscript) scrollToEnd();
  // Focus the heading, not a button: a visitor typing when the expert ends must not start a new chat with Enter. Without
  // scrolling: the view was just placed so that the last words show above it.
  const heading = $('ended-title');
  heading.tabIndex = -1;
  heading.focus({ preventScroll: true });
}

// The one column after the end, scrolled as a chat app does: the ended notice's top part at the bottom of the view
// (at most 60% of it) and the last messages directly above it. Two things must show whatever the sizes: the start of
// the last message that is not a system line (the expert's last words), and the notice's heading with its text.
function scrollToEnd() {
  const main = $('main');
  const view = main.clientHeight;
  const offset = (el) => el.getBoundingClientRect().top - main.getBoundingClientRect().top + main.scrollTop;
  const ended = $('screen-ended');
  const endedTop = offset(ended);
  let top = endedTop - (view - Math.min(ended.offsetHeight, 0.6 * view));
  const last = [...$('messages').querySelectorAll('li.msg:not(.system)')].pop();
  if (last) top = Math.min(top, offset(last) - 8);
  const text = $('ended-text');
  top = Math.max(top, offset(text) + text.offsetHeight + 8 - view);
  main.scrollTop = Math.max(0, top);
}

// Forgets the ended conversation on this screen too.
export function clearTranscript() {
  $('messages').replaceChildren();
  state.seen.clear();
  state.lastSeq = 0;
  state.contiguous = 0;
  state.expertName = null;
  state.queue = null;
}

export function focusScreen() {
  const heading = document.querySelector('.screen:not([hidden]) h2');
  if (heading) { heading.tabIndex = -1; heading.focus(); }
}
