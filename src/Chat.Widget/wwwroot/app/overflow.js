// Overflow to a partner project (several projects on one installation): when this project is closed, or the visitor has
// waited long, and a partner project has someone free, the visitor is asked: "Bij {name} is nu iemand vrij. Wil je daar
// verder? Je blijft anoniem." Nothing moves without their yes (AcceptOverflow); "Nee" keeps their place, and the offer
// box goes away. The project this widget belongs to comes from the loader's data-project (?project=).
import { $, state, t } from './state.js';

// One offer box per screen: on the closed screen (from /api/status, or StartChat's "closed" answer) and in the chat while
// waiting. accept(project) does what the yes means there and may throw (the offer stays, with a calm error).
export function showOverflowOffer(offer, where, accept) {
  const box = $(where === 'closed' ? 'overflow-closed' : 'overflow-queued');
  if (!box || !offer?.project) return;
  const o = t().overflow;
  const text = document.createElement('p');
  text.textContent = o.offer(offer.name);
  const wait = document.createElement('p');
  wait.className = 'muted';
  wait.textContent = offer.estimatedWaitSeconds == null ? '' : offer.estimatedWaitSeconds < 60 ? o.now
    : o.wait(Math.round(offer.estimatedWaitSeconds / 60));
  const yes = document.createElement('button');
  yes.type = 'button';
  yes.className = 'primary';
  yes.textContent = o.yes;
  const no = document.createElement('button');
  no.type = 'button';
  no.className = 'secondary';
  no.textContent = where === 'closed' ? o.noClosed : o.noQueued;
  const error = document.createElement('p');
  error.className = 'error';
  error.setAttribute('role', 'alert');
  error.hidden = true;
  yes.addEventListener('click', async () => {
    yes.disabled = no.disabled = true;
    try {
      await accept(offer.project);
    } catch {
      error.textContent = o.failed;
      error.hidden = false;
      no.disabled = false;
    }
  });
  no.addEventListener('click', () => { hideOverflowOffer(); state.overflowDeclined = true; if (where === 'closed') state.onOverflowDeclined?.(); });
  const actions = document.createElement('div');
  actions.className = 'overflow-actions';
  actions.append(yes, no);
  const same = box.dataset.project === offer.project && !box.hidden;
  box.dataset.project = offer.project;
  box.replaceChildren(text, wait, actions, error);
  box.hidden = false;
  if (!same && where !== 'closed') yes.focus(); // asked while waiting: the answer is one key away (the closed screen keeps its order)
}

export function hideOverflowOffer() {
  for (const id of ['overflow-closed', 'overflow-queued']) {
    const box = $(id);
    if (box) { box.hidden = true; box.replaceChildren(); }
  }
}

// ?project= from the loader: only a well-formed slug goes along (anything else: the installation's own project). The
// name in any case and only once, as the server reads it for the page's frame-ancestors (Hosting.cs): given twice, the
// page may be framed by nobody, and the widget takes neither.
export function projectParam(params) {
  const values = [...params].filter(([name]) => name.toLowerCase() === 'project').map(([, value]) => value);
  const p = values.length === 1 ? values[0] : '';
  return /^[a-z0-9][a-z0-9-]{0,38}[a-z0-9]$/.test(p) ? p : '';
}

export const withProject = (url) => (state.project ? `${url}${url.includes('?') ? '&' : '?'}project=${encodeURIComponent(state.project)}` : url);
