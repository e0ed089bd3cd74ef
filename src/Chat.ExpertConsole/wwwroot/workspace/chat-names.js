// Which chat is which on an evening shift. Each visitor gets a number in the order their chats came to this tab
// ("Contactzoeker 2"), kept with the start and end time in this tab's sessionStorage (never a word of the chat), so the
// list of chats and the forms still to fill in name the same chat the same way, also after a reload.
const KEY = 'console.chatNames';
let names = {};
try { names = JSON.parse(sessionStorage.getItem(KEY) || '{}') || {}; } catch { names = {}; }

function save() {
  try { sessionStorage.setItem(KEY, JSON.stringify(names)); } catch { /* the names only last this page then */ }
}

/** The chat's number in this shift (given at first sight), with its start and end time where known. */
export function nameChat(conversationId, startedAt = null) {
  let n = names[conversationId];
  if (!n) {
    n = names[conversationId] = { n: Object.keys(names).length + 1, startedAt, endedAt: null };
    save();
  } else if (startedAt && !n.startedAt) { n.startedAt = startedAt; save(); }
  return n;
}

export function chatEndedAt(conversationId, endedAt) {
  const n = nameChat(conversationId);
  if (!n.endedAt) { n.endedAt = endedAt; save(); }
}
