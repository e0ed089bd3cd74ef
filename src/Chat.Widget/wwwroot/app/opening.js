// When the chat opens next and the week's planned hours, in plain words and in the project's time zone (wherever the
// visitor's device thinks it is). Pure functions of (data, now, lang): the browser tests call them with fixed instants.
// The loader (widget.js) has a small copy of nextOpeningText for its launcher.
export const ZONE = 'Europe/Amsterdam';

const LOCALES = { nl: 'nl-NL', en: 'en-GB' };
const WORDS = {
  nl: { tonight: 'Vanavond', today: 'Vandaag', tomorrow: 'Morgen', from: 'vanaf', closed: 'gesloten' },
  en: { tonight: 'Tonight', today: 'Today', tomorrow: 'Tomorrow', from: 'from', closed: 'closed' }
};

function parts(date, opts) {
  const out = {};
  for (const p of new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, hourCycle: 'h23', ...opts }).formatToParts(date)) out[p.type] = p.value;
  return out;
}

/** The local day in the zone as a day number (days since 1970-01-01), for "today", "tomorrow" and weekday sums. */
function dayNumber(date) {
  const p = parts(date, { year: 'numeric', month: '2-digit', day: '2-digit' });
  return Date.UTC(+p.year, p.month - 1, +p.day) / 86400000;
}

const clock = (date) => { const p = parts(date, { hour: '2-digit', minute: '2-digit' }); return `${p.hour}:${p.minute}`; };
const capital = (s) => s.charAt(0).toLocaleUpperCase() + s.slice(1);
const fmt = (date, lang, opts) => date.toLocaleDateString(LOCALES[lang], { timeZone: ZONE, ...opts });

/**
 * "Vanavond vanaf 19:00", "Vandaag vanaf 14:00", "Morgen vanaf 10:00", "Donderdag vanaf 19:00", or, a week or more
 * ahead, "Donderdag 17 december vanaf 19:00". Null when there is no next opening.
 */
export function nextOpeningText(iso, now, lang) {
  if (!iso) return null;
  const at = new Date(iso);
  const w = WORDS[lang];
  const days = dayNumber(at) - dayNumber(now);
  const hour = +parts(at, { hour: '2-digit' }).hour;
  const day = days <= 0 ? (hour >= 18 ? w.tonight : w.today)
    : days === 1 ? w.tomorrow
    : days < 7 ? capital(fmt(at, lang, { weekday: 'long' }))
    : capital(fmt(at, lang, { weekday: 'long', day: 'numeric', month: 'long' }));
  return `${day} ${w.from} ${clock(at)}`;
}

/**
 * The seven days from today with their planned hours ("19:00–22:00", several joined with a comma), or null for a day
 * without any (closed). A block belongs to the day it starts (one running since yesterday counts for today).
 */
export function weekHours(upcoming, now, lang) {
  const w = WORDS[lang];
  const today = dayNumber(now);
  const days = [...Array(7).keys()].map((i) => {
    const date = new Date((today + i) * 86400000 + 12 * 3600000); // midday UTC of that local day: the right weekday
    const label = i === 0 ? w.today : i === 1 ? w.tomorrow : capital(fmt(date, lang, { weekday: 'long', day: 'numeric', month: 'short' }));
    return { label, hours: [] };
  });
  for (const b of upcoming || []) {
    const start = new Date(b.start), end = new Date(b.end);
    const i = Math.max(0, dayNumber(start) - today);
    if (i < 7) days[i].hours.push(`${clock(start)}–${clock(end)}`);
  }
  return days.map((d) => ({ label: d.label, hours: d.hours.length ? d.hours.join(', ') : null, closedText: w.closed }));
}
