// The start screen (the optional questions, StartChat) and the closed screen (next opening, the week's hours).
import { nextOpeningText, weekHours } from './opening.js';
import { connectWithRetry, stopConnection } from './connection.js';
import { leaveEndedChat, offerFeedback } from './feedback.js';
import { visitorError } from './messages.js';
import { clearTranscript, radio, renderHead, show, showRefused } from './screens.js';
import { hideOverflowOffer, showOverflowOffer, withProject } from './overflow.js';
import { $, params, saveSession, state, t } from './state.js';
import { hubError } from '/_content/Chat.Widget/shared/hub-client.js';

export function renderChoices(fresh = false) {
  const keep = (name, fallback) => (fresh ? null : document.querySelector(`input[name=${name}]:checked`)?.value) ?? fallback;
  // "Zeg ik liever niet" is there to choose, never pre-selected: nothing chosen is sent as not said, and a pre-selected
  // answer would read as one given. (A wish, "maakt niet uit", is the wish of whoever leaves it.)
  const about = keep('about', null);
  const pref = keep('pref', 'any');
  const follow = keep('follow', null);
  const gender = keep('gender', 'any');
  const danger = keep('danger', null); // never pre-selected: a question nobody answered stays unanswered
  if (fresh) $('more-questions').open = false;
  $('danger-choices').replaceChildren(...Object.entries(t().danger).map(([k, v]) => radio('danger', k, v, k === danger)));
  renderDanger();
  $('about-choices').replaceChildren(...Object.entries(t().about).map(([k, v]) => radio('about', k, v, k === about)));
  $('pref-choices').replaceChildren(...Object.entries(t().pref).map(([k, v]) => radio('pref', k, v, k === pref)));
  $('gender-choices').replaceChildren(...Object.entries(t().gender).map(([k, v]) => radio('gender', k, v, k === gender)));
  $('follow-choices').replaceChildren(...Object.entries(t().follow).map(([k, v]) => radio('follow', k, v, k === follow)));
}

// "Ja, ik ben in gevaar": 112 as a tap-to-call button at once, and that they may stay and go first.
export function renderDanger() {
  $('danger-box').hidden = document.querySelector('input[name=danger]:checked')?.value !== 'yes';
}

export async function startChat(ev) {
  ev.preventDefault();
  const follow = document.querySelector('input[name=follow]:checked')?.value;
  const danger = document.querySelector('input[name=danger]:checked')?.value;
  await begin({
    about: document.querySelector('input[name=about]:checked')?.value || 'unspecified',
    preferredExperience: document.querySelector('input[name=pref]:checked')?.value || 'any',
    followUp: follow === 'yes' ? true : follow === 'no' ? false : null,
    referral: params.get('referral') || null,
    language: state.lang,
    preferredGender: document.querySelector('input[name=gender]:checked')?.value || 'any',
    inDanger: danger === 'yes' ? true : danger === 'no' ? false : null
  });
}

// A follow-up by code (from the mailbox's "Ik heb een code"): the server prefers the expert of the last chat or answer.
// The code goes to the server in the call only; it is never stored in this tab.
export async function startChatWithCode(code) {
  await begin({ about: 'unspecified', preferredExperience: 'any', followUp: true, referral: params.get('referral') || null,
    language: state.lang, preferredGender: 'any', inDanger: null, code });
}

// A start from the closed screen's offer: the questions were not shown, so every answer stays unanswered.
const unanswered = (overflowTo) => ({ about: 'unspecified', preferredExperience: 'any', followUp: null, referral: params.get('referral') || null,
  language: state.lang, preferredGender: 'any', inDanger: null, overflowTo });

async function begin(request) {
  const btn = $('start');
  btn.disabled = true;
  // Before the start: the server may push ChatStarted before StartChat answers.
  clearTranscript();
  state.endedBy = null;
  state.expertAway = false;
  $('start-error').hidden = true;
  leaveEndedChat();
  offerFeedback(false);
  state.hadExpert = false;
  state.inDanger = request.inDanger === true;
  try {
    try {
      await connectWithRetry(3);
    } catch {
      showRefused();
      return;
    }
    const { overflowTo, ...wire } = request;
    let r = await state.connection.invoke('StartChat', { ...wire, project: state.project || null });
    // The visitor said yes to a partner project on the closed screen: the same request goes on there, if still possible.
    // (The server checks again that the partner is open and names this project back; a refusal shows on the offer.)
    if (r.status === 'closed' && overflowTo) {
      try { r = await state.connection.invoke('AcceptOverflow', overflowTo); } catch (e) { stopConnection(); throw e; }
    }
    if (r.status === 'closed') {
      stopConnection();
      await refreshStatus();
      return;
    }
    enterChat(r);
  } catch (err) {
    if (request.overflowTo) throw err; // said on the offer itself
    const e = hubError(err);
    $('start-error').textContent = e ? visitorError(e) : t().startFailed;
    $('start-error').hidden = false;
    if ($('screen-intro').hidden) show('intro'); // started from the mailbox: the error shows where the start button is
  } finally {
    btn.disabled = false;
  }
}

// The chat has started (or the visitor waits): from StartChat, or from a yes to a partner project while closed.
function enterChat(r) {
  {
    hideOverflowOffer();
    if (r.status === 'refused') { showRefused(r.reason); return; }
    state.session = { resumeToken: r.resumeToken, pending: [], inDanger: state.inDanger };
    saveSession();
    state.status = r.status === 'active' ? 'active' : 'queued';
    state.queue = { position: r.position, estimatedWaitSeconds: r.estimatedWaitSeconds };
    renderHead();
    show('chat');
    $('text').placeholder = state.status === 'active' ? t().placeholderActive : t().placeholderQueued;
    $('text').focus();
  }
}

// The closed screen: when the chat opens next and the planned hours of the coming seven days (from the roster). Without
// a roster the organisation's configured opening-hours text shows instead.
export function renderOpenings() {
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
export async function refreshStatus() {
  clearTimeout(closedPoll);
  let open = false;
  let overflow = null;
  try {
    const s = await (await fetch(withProject('/api/status'), { cache: 'no-store' })).json();
    open = !!s.open;
    overflow = s.overflow ?? null;
    state.openings = { nextOpening: s.nextOpening ?? null, upcoming: Array.isArray(s.upcoming) ? s.upcoming : [] };
  } catch { /* shown as closed; tried again below */ }
  $('status-dot').classList.toggle('open', open);
  if (!open) renderOpenings();
  // Closed, and a partner project has someone free now: asked after the phone numbers (never moved without a yes).
  if (!open && overflow && !state.overflowDeclined) showOverflowOffer(overflow, 'closed', (project) => begin(unanswered(project)));
  else hideOverflowOffer();
  show(open ? 'intro' : 'closed');
  if (!open) closedPoll = setTimeout(() => { if (!$('screen-closed').hidden) refreshStatus(); }, 30000);
}
