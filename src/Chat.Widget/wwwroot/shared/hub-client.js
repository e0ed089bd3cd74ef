// What the visitor's widget and the expert console share in talking to their hub: the connection (WebSockets only,
// reconnecting for ever with backoff), client message ids, and reading a hub error.
// One file for both: served from this library at /_content/Chat.Widget/shared/hub-client.js (this origin, so the pages'
// CSP `script-src 'self'` allows it) and imported there by the widget (/widget/app.js) and by the console. It stores
// nothing in the browser (the widget sets no cookie and uses no localStorage). Needs the SignalR browser client
// (/_content/Chat.Widget/lib/signalr.min.js, a classic script) loaded before the importing module runs.

/** The code of a hub error that says: nothing was done, send the same call again in a moment. */
export const TRY_AGAIN = 'try-again';

/** Reconnect and retry delays: 0.5 s, 1, 2, 4 … up to 30 s, with jitter (clients of one server spread out); never gives up. */
export function backoff(ctx) {
  const base = Math.min(30000, 500 * 2 ** Math.min(ctx.previousRetryCount, 6));
  return base / 2 + Math.random() * base / 2;
}

/** A connection to `path` (negotiation skipped: the hubs take WebSockets only), reconnecting by itself with `backoff`. */
export function hubConnection(path) {
  return new signalR.HubConnectionBuilder()
    .withUrl(path, { skipNegotiation: true, transport: signalR.HttpTransportType.WebSockets })
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: backoff })
    .configureLogging(signalR.LogLevel.None)
    .build();
}

/** A client message id: the server stores a message sent again with the same id once. */
export function newId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return [...crypto.getRandomValues(new Uint8Array(16))].map((x) => x.toString(16).padStart(2, '0')).join('');
}

/**
 * A failed hub call, read: `{ code, text }` when the hub answered with an error (a HubException: `text` is the readable
 * message, `code` its machine-readable code or null), or null when the call failed otherwise (the connection broke).
 * The convention (Chat.Server's Conversations/HubErrors.cs): a code stands in square brackets at the very start of the
 * message, followed by a space and the text: "[try-again] Tijdelijk niet beschikbaar; probeer het zo opnieuw."
 */
export function hubError(err) {
  const message = String(err?.message ?? '');
  const at = message.indexOf('HubException: ');
  if (at < 0) return null;
  const text = message.slice(at + 'HubException: '.length);
  const coded = /^\[([a-z]+(?:-[a-z]+)*)\] ([\s\S]*)$/.exec(text);
  if (coded) return { code: coded[1], text: coded[2] };
  // The older form, until every server sends the code: "[retry]" at the end of the text.
  if (/ ?\[retry\]$/.test(text)) return { code: TRY_AGAIN, text: text.replace(/ ?\[retry\]$/, '') };
  return { code: null, text };
}
