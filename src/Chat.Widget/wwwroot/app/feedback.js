// The one optional question after a chat (a mark 1-10 and "heeft dit gesprek je geholpen?"); the answer goes to the
// day's counts only.
import { offerFollowUp } from './mailbox.js';
import { radio } from './screens.js';
import { $, state, t } from './state.js';
import { hubError } from '/_content/Chat.Widget/shared/hub-client.js';

export function renderFeedbackChoices() {
  const score = document.querySelector('input[name=score]:checked')?.value;
  const helped = document.querySelector('input[name=helped]:checked')?.value;
  $('score-choices').replaceChildren(...[...Array(10).keys()].map((i) => radio('score', String(i + 1), String(i + 1), score === String(i + 1))));
  $('helped-choices').replaceChildren(...Object.entries(t().helped).map(([k, v]) => radio('helped', k, v, k === helped)));
}

export function offerFeedback(offer) {
  renderFeedbackChoices();
  $('feedback').querySelectorAll('input').forEach((i) => { i.checked = false; });
  $('feedback-error').hidden = true;
  $('feedback-done').hidden = true;
  $('feedback').hidden = !offer;
}

// The ended chat's connection serves the feedback question and the offer of a code (mailbox.js, offerFollowUp). Left
// behind (a new chat, the quick exit): both go, and the connection closes.
export function closeFeedback() {
  const c = state.feedbackConnection;
  state.feedbackConnection = null;
  state.followUpOpen = false;
  if (c) { c.onclose(() => {}); c.stop().catch(() => {}); }
  $('feedback').hidden = true;
}

// A new conversation: the question and the offer go, and a code given at the end with them (not left in the page).
export function leaveEndedChat() {
  closeFeedback();
  offerFollowUp(false);
}

// The question answered or skipped: it goes; the connection stays while the offer of a code still waits for it.
function feedbackDone() {
  $('feedback').hidden = true;
  if (!state.followUpOpen) closeFeedback();
}

// The code given: the connection closes unless the question still waits for it.
export function followUpDone() {
  state.followUpOpen = false;
  if ($('feedback').hidden) closeFeedback();
}

export async function sendFeedback(ev) {
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
  feedbackDone();
  $('feedback-done').textContent = text;
  $('feedback-done').hidden = false;
  $('feedback-done').focus();
}

export function skipFeedback() {
  feedbackDone();
  const heading = $('ended-title');
  heading.tabIndex = -1;
  heading.focus();
}
