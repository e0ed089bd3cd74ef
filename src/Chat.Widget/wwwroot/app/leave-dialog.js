// "Wil je het gesprek beëindigen?": the product's own question over the chat, never the browser's confirm box. A
// non-modal <dialog> on purpose: "Snel weg" (and the emergency numbers) must stay reachable while it is open. Focus goes
// to "Nee, verder praten" (the safe choice), Esc closes it, and after "Nee" focus goes back to the button that asked.
import { $ } from './state.js';

export function askLeave() {
  const dialog = $('leave-dialog');
  if (dialog.open) return Promise.resolve(false);
  return new Promise((resolve) => {
    const opener = document.activeElement;
    const done = (answer) => {
      dialog.removeEventListener('keydown', onKey);
      $('leave-yes').onclick = null;
      $('leave-no').onclick = null;
      dialog.close();
      if (!answer && opener?.isConnected) opener.focus();
      resolve(answer);
    };
    const onKey = (e) => { if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); done(false); } };
    dialog.addEventListener('keydown', onKey);
    $('leave-yes').onclick = () => done(true);
    $('leave-no').onclick = () => done(false);
    dialog.show();
    $('leave-no').focus();
  });
}
