// The visitor's chat. Runs in an iframe from the chat server (or stand-alone at /widget/).
// Privacy: no cookies and no persistent browser storage; only sessionStorage (this tab), cleared by quick exit and at
// the end of the chat.
// Messages are rendered with textContent only, never as HTML.
// One module a job: state.js (this tab's state, sessionStorage, texts), start.js (start and closed screens),
// connection.js (the hub, Resume), messages.js (the conversation), screens.js (which screen shows, the end of a chat),
// feedback.js (the question after a chat), mailbox.js (the brievenbus), quick-exit.js. This one applies the texts and wires the page up.
import { connectWithRetry, leave, resume } from './connection.js';
import { leaveEndedChat, offerFeedback, renderFeedbackChoices, sendFeedback, skipFeedback } from './feedback.js';
import { renderMailbox } from './mailbox.js';
import { projectParam, withProject } from './overflow.js';
import { onInput, renderPending, sendFromComposer } from './messages.js';
import { listenForHostExit, onShiftThrice, quickExit } from './quick-exit.js';
import { clearTranscript, endedText, focusScreen, refusedText, renderEmergency, renderHead, renderPhones, renderTitle, show } from './screens.js';
import { refreshStatus, renderChoices, renderDanger, renderOpenings, startChat } from './start.js';
import { $, embedded, loadSession, params, parentOrigin, saveSession, state, t } from './state.js';

// ---- texts --------------------------------------------------------------------------------------

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
  $('refused-text').textContent = refusedText();
  renderFeedbackChoices();
  renderMailbox();
}

// ---- start --------------------------------------------------------------------------------------

async function init() {
  onShiftThrice(quickExit);
  listenForHostExit();
  if (embedded) window.parent.postMessage({ type: 'chat:ready' }, parentOrigin || '*');
  // Restored from the back-forward cache after a quick exit elsewhere in this tab cleared our storage: what is on
  // screen must not stay. Start afresh.
  window.addEventListener('pageshow', (e) => {
    if (e.persisted && state.session && !loadSession()) { document.body.replaceChildren(); location.reload(); }
  });
  const saved = loadSession();
  state.lang = saved?.lang || (params.get('lang') === 'en' ? 'en' : 'nl');
  if (!embedded) document.body.classList.add('standalone');
  state.project = projectParam(params);
  try { state.config = await (await fetch(withProject('/api/widget/config'))).json(); } catch { state.config = null; }
  applyTexts();

  $('quick-exit').addEventListener('click', quickExit);
  $('lang-toggle').addEventListener('click', () => {
    state.lang = state.lang === 'nl' ? 'en' : 'nl';
    saveSession();
    applyTexts();
  });
  $('intro-form').addEventListener('submit', startChat);
  $('intro-form').addEventListener('change', (e) => { if (e.target.name === 'danger') renderDanger(); });
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
    leaveEndedChat();
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
    state.session = { resumeToken: saved.resumeToken, pending: saved.pending || [], inDanger: !!saved.inDanger };
    state.inDanger = !!saved.inDanger;
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
