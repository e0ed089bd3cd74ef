// A tiny DOM builder: h('p', { class: 'x' }, 'text', child). Text is always set as text, never parsed as HTML.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k in el && typeof v !== 'string') el[k] = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Replaces an element's children, skipping null and undefined (replaceChildren would write "null"). */
export function fill(el, ...children) {
  el.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined));
  return el;
}

// The coordinator pages' JSON calls: same-origin, the sign-in page on 401 (back to this page after), and a Dutch or
// English error from the ProblemDetails (its field errors, else its title, else `failed`) with the status on it.
export function apiCaller(page, failed) {
  return async function call(method, url, body) {
    const r = await fetch(url, { method, credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
    if (r.status === 401) { location.href = `/console/login?returnUrl=${page}`; throw new Error('signed out'); }
    const data = r.status === 204 ? null : await r.json().catch(() => null);
    if (!r.ok) {
      const detail = data?.errors ? Object.values(data.errors).flat().join(' ') : data?.title;
      throw Object.assign(new Error(detail || failed), { status: r.status });
    }
    return data;
  };
}

/** A time kept to the hour (cut down, not rounded) as the hour it fell in: ['14:00', '15:00'] for "tussen 14:00 en 15:00". */
export function hourSpan(date, locale) {
  const time = (d) => d.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
  return [time(date), time(new Date(date.getTime() + 3600_000))];
}
