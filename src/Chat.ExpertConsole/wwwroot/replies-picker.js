// Canned replies and referral cards in the composer. "/" at the start of the message box (or the button) opens a list
// of replies filtered by what follows; arrows choose, Enter or a click puts the text in the box to adjust (never sent
// as it is), Esc closes the list and nothing else. The list is a focusable listbox of its own too (it scrolls: a
// keyboard user reaches it with Shift+Tab from the box, where the same keys work and Esc goes back to the box). "Verwijzen" lists the referral cards; the chosen one is sent.
import { h, fill } from './dom.js';

let cache = { replies: null, referrals: null, at: 0 };
let loading = null; // one fetch at a time, however many keys are typed while it runs

function load() {
  if (cache.replies && Date.now() - cache.at < 60000) return Promise.resolve(cache);
  loading ??= (async () => {
    const get = (url) => fetch(url, { credentials: 'same-origin' }).then((r) => (r.ok ? r.json() : []));
    const [replies, referrals] = await Promise.all([get('/api/replies'), get('/api/referrals')]);
    cache = { replies, referrals, at: Date.now() };
    return cache;
  })().finally(() => { loading = null; });
  return loading;
}

/** Wires the reply list to a message box; returns a function the "Antwoorden" button calls. */
export function attachReplyPicker({ box, t, lang, anchor }) {
  const list = h('ul', { class: 'reply-list', id: 'reply-list', role: 'listbox', 'aria-label': t.repliesTitle, tabindex: '0', hidden: true });
  const hint = h('p', { class: 'sr-only', role: 'status', 'aria-live': 'polite' });
  anchor.append(list, hint);
  box.setAttribute('aria-controls', 'reply-list');
  let open = false, byButton = false, index = 0, shown = [], asked = 0;

  function close() {
    open = false; byButton = false; shown = []; asked++; // a list still loading stays closed
    list.hidden = true;
    box.removeAttribute('aria-activedescendant');
    list.removeAttribute('aria-activedescendant');
  }

  // Synchronous once the replies are here (fetched when the box is made), so Enter always acts on what is on screen.
  // Only the latest call draws: a list fetched for "/" must not replace the one for "/neem" typed while it loaded.
  async function show(query) {
    const call = ++asked;
    const { replies } = cache.replies ? cache : await load();
    if (call !== asked) return;
    const q = query.trim().toLowerCase();
    // A query matches the title or the text; a match in the title ranks first, then the console's language.
    const rank = (r) => (!q || r.title.toLowerCase().includes(q) ? 0 : 2) + (r.language === lang ? 0 : 1);
    shown = replies
      .filter((r) => !q || r.title.toLowerCase().includes(q) || r.text.toLowerCase().includes(q))
      .map((r, i) => ({ r, i })).sort((a, b) => rank(a.r) - rank(b.r) || a.i - b.i).map((x) => x.r)
      .slice(0, 8);
    open = true;
    index = Math.min(index, Math.max(0, shown.length - 1));
    fill(list, shown.length === 0
      ? h('li', { class: 'reply-none', role: 'option', 'aria-disabled': 'true', id: 'reply-none' }, replies.length ? t.repliesNone : t.repliesEmpty)
      : shown.map((r, i) => h('li', {
        role: 'option', id: `reply-${r.id}`, class: 'reply-option', 'aria-selected': String(i === index),
        onmousedown: (e) => e.preventDefault(), // keep the focus in the box
        onclick: () => choose(i)
      }, h('span', { class: 'reply-title' }, r.title, r.language !== lang ? ` (${r.language})` : ''), h('span', { class: 'reply-text' }, r.text))));
    list.hidden = false;
    mark();
    hint.textContent = shown.length ? t.repliesHint(shown.length) : t.repliesNone;
  }

  function mark() {
    [...list.querySelectorAll('.reply-option')].forEach((li, i) => li.setAttribute('aria-selected', String(i === index)));
    const current = shown[index];
    if (current) {
      box.setAttribute('aria-activedescendant', `reply-${current.id}`);
      list.setAttribute('aria-activedescendant', `reply-${current.id}`);
      list.querySelector(`#reply-${current.id}`)?.scrollIntoView({ block: 'nearest' });
    } else { box.removeAttribute('aria-activedescendant'); list.removeAttribute('aria-activedescendant'); }
  }

  function choose(i) {
    const r = shown[i];
    if (!r) return;
    if (byButton) {
      // Put in where the cursor is (a draft may be there already).
      const [a, b] = [box.selectionStart ?? box.value.length, box.selectionEnd ?? box.value.length];
      box.value = box.value.slice(0, a) + r.text + box.value.slice(b);
      box.selectionStart = box.selectionEnd = a + r.text.length;
    } else {
      box.value = r.text; // the "/query" typed to find it makes way for the text
      box.selectionStart = box.selectionEnd = box.value.length;
    }
    close();
    box.dispatchEvent(new Event('input', { bubbles: true })); // the draft and "typing" follow
    box.focus();
  }

  load().catch(() => {});
  box.addEventListener('input', () => {
    if (box.value.startsWith('/')) { byButton = false; index = 0; show(box.value.slice(1)).catch(close); }
    else if (open && !byButton) close();
  });
  // Closes when the focus leaves both the box and the list.
  const leave = () => setTimeout(() => { if (document.activeElement !== box && document.activeElement !== list) close(); }, 150);
  box.addEventListener('blur', leave);
  list.addEventListener('blur', leave);
  // Registered before the composer's own Enter (send): while the list is open, these keys are the list's only.
  const keys = (e) => {
    if (!open) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (shown.length) index = (index + (e.key === 'ArrowDown' ? 1 : shown.length - 1)) % shown.length;
      mark();
    } else if (e.key === 'Enter' && !e.isComposing) {
      e.preventDefault(); e.stopImmediatePropagation();
      if (!byButton && box.value.startsWith('/') && cache.replies) show(box.value.slice(1)); // the latest query, at once
      choose(index);
    } else if (e.key === 'Escape') {
      // Closes the list only: never the chat, a dialog or anything else.
      e.preventDefault(); e.stopPropagation();
      const inList = e.currentTarget === list;
      close();
      if (inList) box.focus();
    } else if (e.key === 'Tab' && !(e.shiftKey && e.currentTarget === box)) close(); // Shift+Tab from the box: to the list
  };
  box.addEventListener('keydown', keys);
  list.addEventListener('keydown', keys);

  return () => {
    if (open) { close(); return; }
    byButton = true; index = 0;
    box.focus();
    show('').catch(close);
  };
}

/** The referral cards in a modal dialog; the chosen one goes to send(card). Focus starts on the first card. */
export async function openReferralDialog({ t, opener, send }) {
  if (document.querySelector('dialog[open]')) return;
  const { referrals } = await load().catch(() => ({ referrals: [] }));
  const cancel = h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, t.referCancel);
  const items = referrals.map((r) => h('li', {},
    h('button', { type: 'button', class: 'referral-choice', onclick: async (e) => {
      e.currentTarget.disabled = true;
      const ok = await send(r);
      if (ok) dialog.close(); else e.currentTarget.disabled = false;
    } },
    h('strong', {}, r.name),
    h('span', { class: 'muted small' }, [r.phone, r.hours].filter(Boolean).join(' · ')),
    r.description ? h('span', { class: 'small' }, r.description) : null)));
  const dialog = h('dialog', { class: 'form-dialog narrow referral-dialog', 'aria-labelledby': 'refer-title', 'aria-describedby': 'refer-intro' },
    h('h2', { id: 'refer-title' }, t.referTitle),
    h('p', { id: 'refer-intro', class: 'muted' }, referrals.length ? t.referIntro : t.referNone),
    h('ul', { class: 'referral-list' }, items),
    h('div', { class: 'actions' }, cancel));
  dialog.addEventListener('close', () => { dialog.remove(); if (opener?.isConnected) opener.focus(); });
  document.body.append(dialog);
  dialog.showModal();
  (dialog.querySelector('.referral-choice') || cancel).focus();
}
