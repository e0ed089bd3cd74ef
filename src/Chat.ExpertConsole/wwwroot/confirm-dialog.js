// The product's own question before an action on a chat (ending it, transferring it), never the browser's confirm box:
// a modal <dialog> with a title, what will happen, and two buttons. Focus starts on the safe choice ("Annuleren"), Esc
// cancels, and after a cancel focus goes back to the button that asked. Resolves true when confirmed.
import { h } from './dom.js';

export function askConfirm({ title, text, yes, no, danger = false, opener = null }) {
  return new Promise((resolve) => {
    if (document.querySelector('dialog[open]')) { resolve(false); return; }
    let answer = false;
    const cancel = h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, no);
    const ok = h('button', { type: 'button', class: danger ? 'danger' : 'primary', onclick: () => { answer = true; dialog.close(); } }, yes);
    const dialog = h('dialog', { class: 'form-dialog narrow confirm-dialog', 'aria-labelledby': 'confirm-title', 'aria-describedby': 'confirm-text' },
      h('h2', { id: 'confirm-title' }, title), h('p', { id: 'confirm-text' }, text), h('div', { class: 'actions' }, cancel, ok));
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (!answer && opener?.isConnected) opener.focus();
      resolve(answer);
    });
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
  });
}
