// The console's mailbox (brievenbus): letters waiting for an answer, in danger first, then the oldest. An expert takes a
// letter (one at a time, the claim lapses), answers it or gives it back; the answer makes a contact-form draft, filled in
// here at once or later with the other forms to fill. Every text (letters included) is set as text, never as HTML.
import { openContactForm } from './contact-form.js';
import { h, fill } from './dom.js';
import { texts } from './i18n.js';

const root = document.getElementById('mailbox');
const lang = root.dataset.lang === 'en' ? 'en' : 'nl';
const formTexts = texts[lang];
const t = {
  nl: {
    title: 'Brievenbus', back: 'Terug naar de console',
    intro: 'Brieven van contactzoekers die niet konden of wilden chatten. Wie in gevaar is, staat bovenaan; daarna de oudste brief. Neem een brief om hem te beantwoorden: zolang jij hem hebt, neemt niemand anders hem (na 30 minuten komt hij vrij).',
    none: 'Er wachten geen brieven.', waiting: (n) => n === 1 ? '1 brief wacht op antwoord.' : `${n} brieven wachten op antwoord.`,
    danger: 'Mogelijk in gevaar: zelf aangegeven', dangerWord: 'Mogelijk in gevaar: signaalwoord', since: (d) => `Wacht sinds ${d}`,
    aboutLabel: 'Over zichzelf', about: { victim: 'voelt zich thuis niet veilig', perpetrator: 'schrikt van eigen gedrag', both: 'allebei een beetje', relative: 'zorgen om iemand', professional: 'vraagt het voor het werk', other: 'iets anders', unspecified: 'niet gezegd' },
    prefers: { victim: 'liefst iemand die geweld meemaakte', perpetrator: 'liefst iemand die geweld gebruikte', any: null },
    gender: { woman: 'liefst een vrouw', man: 'liefst een man', any: null },
    language: { nl: null, en: 'schrijft in het Engels' },
    project: 'Project', visitor: 'Contactzoeker', you: 'Jij', claimedByOther: 'Een collega beantwoordt deze brief.', claimedByMe: (d) => `Jij hebt deze brief tot ${d}.`,
    claim: 'Neem deze brief', release: 'Geef terug', answer: 'Verstuur antwoord', answerLabel: 'Je antwoord',
    answerHint: 'Schrijf alsof iemand meeleest: noem geen namen of dingen die de schrijver niet zelf noemde.',
    close: 'Sluiten zonder antwoord', closeLabel: 'Reden', reasons: { spam: 'spam', abusive: 'misbruik' }, closeConfirm: 'Sluiten (er komt geen antwoord en geen formulier)',
    note: 'Jouw notitie (alleen voor jou)', noteSave: 'Notitie bewaren',
    answered: 'Verstuurd. Vul nu het contactformulier in, of later bij "Nog in te vullen" in de console.', fillIn: 'Contactformulier invullen',
    taken: 'Je hebt de brief.', released: 'Teruggegeven.', closed: 'Gesloten.', saved: 'Opgeslagen.', failed: 'Dat lukte niet.', noteSaved: 'Notitie bewaard.'
  },
  en: {
    title: 'Mailbox', back: 'Back to the console',
    intro: 'Letters from contact seekers who could not or would not chat. Those in danger come first, then the oldest letter. Take a letter to answer it: while you hold it nobody else takes it (it is free again after 30 minutes).',
    none: 'No letters are waiting.', waiting: (n) => n === 1 ? '1 letter is waiting for an answer.' : `${n} letters are waiting for an answer.`,
    danger: 'Possibly in danger: said so themselves', dangerWord: 'Possibly in danger: urgent word', since: (d) => `Waiting since ${d}`,
    aboutLabel: 'About themselves', about: { victim: 'does not feel safe at home', perpetrator: 'is worried by own behaviour', both: 'a bit of both', relative: 'worried about someone', professional: 'asks for work', other: 'something else', unspecified: 'not said' },
    prefers: { victim: 'prefers someone who went through violence', perpetrator: 'prefers someone who used violence', any: null },
    gender: { woman: 'prefers a woman', man: 'prefers a man', any: null },
    language: { nl: null, en: 'writes in English' },
    project: 'Project', visitor: 'Contact seeker', you: 'You', claimedByOther: 'A colleague is answering this letter.', claimedByMe: (d) => `You hold this letter until ${d}.`,
    claim: 'Take this letter', release: 'Give back', answer: 'Send answer', answerLabel: 'Your answer',
    answerHint: 'Write as if someone reads along: mention no names or things the writer did not mention.',
    close: 'Close without an answer', closeLabel: 'Reason', reasons: { spam: 'spam', abusive: 'abuse' }, closeConfirm: 'Close (no answer, no form)',
    note: 'Your note (only for you)', noteSave: 'Save note',
    answered: 'Sent. Fill in the contact form now, or later under "To fill in" in the console.', fillIn: 'Fill in the contact form',
    taken: 'You hold the letter.', released: 'Given back.', closed: 'Closed.', saved: 'Saved.', failed: 'That did not work.', noteSaved: 'Note saved.'
  }
}[lang];

const heading = h('h1', { tabindex: '-1' }, t.title);
const status = h('p', { class: 'status-line', role: 'status', 'aria-live': 'polite' });
const list = h('div', { class: 'mailbox-list' });
const summary = h('p', { class: 'muted' });
const drafts = h('div', {});
function say(text, error = false) { status.textContent = text; status.classList.toggle('error', error); }

async function call(method, url, body) {
  const r = await fetch(url, { method, credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
  if (r.status === 401) { location.href = '/console/login?returnUrl=/console/mailbox'; throw new Error('signed out'); }
  const data = r.status === 204 ? null : await r.json().catch(() => null);
  if (!r.ok) throw Object.assign(new Error(data?.title || t.failed), { status: r.status, errors: data?.errors });
  return data;
}

const locale = lang === 'en' ? 'en-GB' : 'nl-NL';
const when = (iso) => new Date(iso).toLocaleString(locale, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });

// An expert of several projects sees which project a letter is for (the page's data-projects: the sign-in's projects).
const severalProjects = (document.getElementById('mailbox')?.dataset.projects || '').split(',').filter(Boolean).length > 1;

function letter(th) {
  // What the writer said about themselves, with its label as in a chat ("Over zichzelf: niet gezegd"); the rest says itself.
  const about = t.about[th.about] ? `${t.aboutLabel}: ${t.about[th.about]}` : null;
  const answers = [about, t.prefers[th.preferredExperience], t.gender[th.preferredGender], t.language[th.language]].filter(Boolean).join(' · ');
  const urgent = th.inDanger ? t.danger : th.urgentWord ? t.dangerWord : null;
  const item = h('article', { class: 'mailbox-letter' + (urgent ? ' in-danger' : ''), 'aria-labelledby': `letter-${th.id}` },
    h('h2', { id: `letter-${th.id}` }, urgent ? h('span', { class: 'mailbox-badge' }, urgent) : null, ' ', t.since(when(th.waitingSince))),
    h('p', { class: 'muted small' }, answers),
    severalProjects && th.projectName ? h('p', { class: 'small' }, `${t.project}: ${th.projectName}`) : null,
    th.note ? h('p', { class: 'mailbox-note' }, h('strong', {}, t.note + ': '), th.note) : null,
    h('ol', { class: 'mailbox-messages' }, th.messages.map((m) => h('li', { class: m.from === 'visitor' ? 'from-visitor' : 'from-expert' },
      h('div', { class: 'muted small' }, `${m.from === 'visitor' ? t.visitor : (m.displayName || '')} · ${when(m.sentAt)}`),
      h('div', { class: 'mailbox-text' }, m.text)))));
  if (th.claimed && !th.claimedByMe) {
    item.append(h('p', { class: 'muted' }, t.claimedByOther));
    return item;
  }
  if (!th.claimedByMe) {
    item.append(h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'primary', onclick: () => act(`/api/mailbox/threads/${th.id}/claim`, {}, t.taken, `answer-${th.id}`) }, t.claim),
      closeControls(th)));
    return item;
  }
  const box = h('textarea', { id: `answer-${th.id}`, rows: 8, maxlength: 4000, autocomplete: 'off', spellcheck: 'true', 'aria-describedby': `hint-${th.id}` });
  item.append(
    h('p', { class: 'muted small' }, t.claimedByMe(when(th.claimedUntil))),
    h('form', { class: 'mailbox-answer', novalidate: true, onsubmit: (ev) => { ev.preventDefault(); answer(th, box.value); } },
      h('label', { for: `answer-${th.id}` }, t.answerLabel),
      h('p', { class: 'hint', id: `hint-${th.id}` }, t.answerHint),
      box,
      h('div', { class: 'actions' },
        h('button', { type: 'submit', class: 'primary' }, t.answer),
        h('button', { type: 'button', class: 'secondary', onclick: () => act(`/api/mailbox/threads/${th.id}/release`, {}, t.released) }, t.release))),
    closeControls(th));
  return item;
}

function closeControls(th) {
  const reason = h('select', { 'aria-label': t.closeLabel }, Object.entries(t.reasons).map(([k, v]) => h('option', { value: k }, v)));
  return h('details', { class: 'mailbox-close' }, h('summary', {}, t.close),
    h('div', { class: 'actions' }, reason,
      h('button', { type: 'button', class: 'secondary', onclick: () => act(`/api/mailbox/threads/${th.id}/close`, { reason: reason.value }, t.closed) }, t.closeConfirm)));
}

async function act(url, body, done, focusId) {
  try {
    await call('POST', url, body);
    say(done);
    await load();
    if (focusId) document.getElementById(focusId)?.focus();
  } catch (e) {
    say(e.message, true);
    await load();
  }
}

async function answer(th, text) {
  try {
    const r = await call('POST', `/api/mailbox/threads/${th.id}/answer`, { text });
    say(t.answered);
    drafts.append(h('p', {}, h('button', { type: 'button', class: 'primary', onclick: async (ev) => {
      if (await openContactForm({ t: formTexts, lang, prefill: r.form })) { ev.target.closest('p').remove(); say(t.saved); }
    } }, t.fillIn)));
    await load();
    drafts.querySelector('button:last-of-type')?.focus();
  } catch (e) {
    say(e.errors?.text?.[0] || e.message, true);
  }
}

async function load() {
  const threads = await call('GET', '/api/mailbox/threads');
  summary.textContent = threads.length === 0 ? t.none : t.waiting(threads.length);
  fill(list, threads.map(letter));
}

async function init() {
  fill(root,
    h('header', { class: 'bar no-print' }, h('div', { class: 'bar-left' }, h('strong', { class: 'product' }, t.title)),
      h('nav', { class: 'bar-right' }, h('a', { href: '/console' }, t.back))),
    h('main', { class: 'stats-main' }, heading, h('p', { class: 'muted intro' }, t.intro), status, drafts, summary, list));
  await load();
  setInterval(() => { if (!document.hidden && !document.activeElement?.matches('textarea, select')) load().catch(() => {}); }, 60000);
}

init().catch((e) => say(e.message, true));
