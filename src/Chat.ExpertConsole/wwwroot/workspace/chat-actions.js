// What the expert can do to a running chat: end it, transfer it, block the visitor.
import { h } from '../dom.js';
import { app, els, errorText, lang, state, t, toast } from './state.js';

export async function endChat(id) {
  if (!confirm(t.endConfirm)) return;
  try { await state.connection.invoke('EndChat', id); } catch (err) { toast(errorText(err)); }
}

export async function transferChat(id) {
  if (!confirm(t.transferConfirm)) return;
  try { await state.connection.invoke('TransferChat', id); } catch (err) { toast(errorText(err)); }
}

// Blocking ends the chat and keeps the visitor's address from starting a new one for a while. A modal <dialog>:
// focus moves into it, Esc cancels, and focus goes back to the button (or, once the chat has ended, to the chat).
export function blockChat(id, opener) {
  if (document.querySelector('dialog[open]')) return;
  const error = h('p', { class: 'field-error', id: 'block-error', role: 'alert', hidden: true });
  const radios = Object.entries(t.blockReasons).map(([k, v]) =>
    h('label', {}, h('input', { type: 'radio', name: 'block-reason', value: k, onchange: () => { error.hidden = true; } }), ' ', v));
  const confirmButton = h('button', { type: 'submit', class: 'danger' }, t.blockConfirm);
  const cancelButton = h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, t.blockCancel);
  const form = h('form', { class: 'contact-form block-form', novalidate: true },
    h('fieldset', { class: 'field', 'aria-describedby': 'block-error' }, h('legend', {}, t.blockReason),
      h('div', { class: 'choices' }, radios), error),
    h('p', { id: 'block-explain' }, t.blockExplain(Number(app.dataset.blockHours) || 24)),
    h('div', { class: 'actions' }, cancelButton, confirmButton));
  const dialog = h('dialog', { class: 'form-dialog narrow', 'aria-labelledby': 'block-title', 'aria-describedby': 'block-explain' },
    h('h2', { id: 'block-title' }, t.blockTitle), form);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const reason = form.querySelector('input[name=block-reason]:checked')?.value;
    if (!reason) {
      error.textContent = t.blockChooseReason;
      error.hidden = false;
      form.querySelector('input[name=block-reason]').focus();
      return;
    }
    confirmButton.disabled = true; cancelButton.disabled = true;
    try {
      const r = await state.connection.invoke('BlockVisitor', id, reason);
      dialog.close();
      toast(t.blocked(new Date(r.until).toLocaleString(lang === 'en' ? 'en-GB' : 'nl-NL',
        { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' })));
    } catch (err) {
      dialog.close();
      toast(errorText(err));
    }
  });
  dialog.addEventListener('close', () => {
    dialog.remove();
    const back = opener?.isConnected ? opener : els.chatList.querySelector('.chat-item.selected');
    back?.focus();
  });
  document.body.append(dialog);
  dialog.showModal();
}
