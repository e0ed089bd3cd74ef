// The menu's "Brievenbus" link with the number of letters waiting for an answer (looked up every minute).
export function watchMailboxCount(link) {
  if (!link) return;
  const label = link.textContent;
  const update = async () => {
    if (document.hidden) return;
    try {
      const r = await fetch('/api/mailbox/summary', { credentials: 'same-origin' });
      if (!r.ok) return;
      const s = await r.json();
      link.textContent = s.waiting > 0 ? `${label} (${s.waiting})` : label;
    } catch { /* the link still works */ }
  };
  update();
  setInterval(update, 60000);
}
