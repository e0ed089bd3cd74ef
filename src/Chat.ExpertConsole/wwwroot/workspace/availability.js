// Availability (Beschikbaar, Pauze, Offline) and whether the connection stands.
import { renderMain } from './conversation.js';
import { focusSeg } from './layout.js';
import { refreshQueueStatus } from './queue.js';
import { els, state, t, toast } from './state.js';
import { renderCoolDown } from './wellbeing.js';

// Availability can only change while connected: until then the buttons are disabled and the banner shows.
export function setConnected(connected) {
  state.connected = connected;
  els.conn.hidden = connected;
  // Back: a toast still saying "Verbinding herstellen…" (a call that failed while the line was gone) is no longer true.
  if (connected && els.toast.textContent === t.reconnecting) els.toast.hidden = true;
  renderAvailability();
}

export function renderAvailability() {
  for (const b of els.availability.children) {
    b.disabled = !state.connected;
    const on = b.dataset.value === state.availability;
    b.setAttribute('aria-checked', String(on));
    b.classList.toggle('on', on);
    b.tabIndex = on ? 0 : -1;
  }
  renderCoolDown();
}

export async function setAvailability(a) {
  try {
    const r = await state.connection.invoke('SetAvailability', a);
    state.availability = r.availability;
    renderAvailability(); renderMain();
    focusSeg(a);
    refreshQueueStatus();
  } catch { toast(t.reconnecting); }
}
