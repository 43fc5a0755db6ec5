// lift dev dashboard: the Traces view (recent requests, and a waterfall of
// the chosen one's spans across services). Loaded before app.js, whose $
// and el it calls and whose event stream calls onTraces.
"use strict";
const traces = new Map(); // id -> summary, from the event stream
let chosen = null; // the trace id shown in the waterfall
const maxShown = 200;
const snippet = 'tp, err := tracing.FromEnv(ctx); ...; lift.Start(h, lift.OnShutdown("tracing", tp.Shutdown))';

const ms = (x) => (x < 10 ? x.toFixed(2) : x.toFixed(1)) + " ms";
const clock = (t) => (t || "").slice(11, 23);

// onTraces takes one state event: the changed traces, and what the hint says.
function onTraces(snap) {
  for (const t of snap.traces || []) traces.set(t.id, t);
  while (traces.size > maxShown) traces.delete([...traces.values()].sort((a, b) => a.seq - b.seq)[0].id);
  hint(snap);
  if ((snap.traces || []).length) renderTraces();
  if (chosen && (snap.traces || []).some((t) => t.id === chosen)) showTrace(chosen, false);
}

function hint(snap) {
  const h = $("trace-hint");
  const quiet = snap.services.filter((s) => s.invocations > 0 && !s.spans).map((s) => s.name);
  let text = null;
  if (snap.tracing === "none") text = ["Tracing is off: lift dev runs where LIFT_TRACING=none. Unset it to see each request's spans here."];
  else if (snap.tracing !== "stdout") text = [`LIFT_TRACING=${snap.tracing}: spans go to your collector, not here. Unset it to see them in lift dev.`];
  else if (quiet.length) text = [`${quiet.join(", ")} recorded no spans: a handler traces when its main calls tracing.FromEnv: `, el("code", {}, snippet), " (docs/runtime.md, Tracing)."];
  else if (!traces.size) text = ["No traced request yet: send one and its spans across services appear here."];
  h.hidden = !text;
  if (text) h.replaceChildren(...text);
}

// keepFocus redraws box and gives keyboard focus back to the element with
// the same data-key it had, so live updates do not pull focus away.
function keepFocus(box, key, draw) {
  const had = box.contains(document.activeElement) ? document.activeElement.dataset[key] : null;
  draw();
  if (had) { const again = box.querySelector(`[data-${key}="${CSS.escape(had)}"]`); if (again) again.focus(); }
}

function renderTraces() {
  keepFocus($("traces"), "trace", drawTraces);
}

function drawTraces() {
  const list = [...traces.values()].sort((a, b) => (a.start < b.start ? 1 : -1));
  $("traces").replaceChildren(...list.map((t) => el("li", {},
    el("button", { "data-trace": t.id, "aria-current": String(t.id === chosen), onclick: () => showTrace(t.id, true) },
      el("span", {}, clock(t.start)), el("span", { class: "root" }, t.root || "(root not recorded)"),
      el("span", { class: "svc" }, t.service || ""),
      el("span", { class: `st-${t.status}` }, t.status + (t.httpStatus ? " " + t.httpStatus : "")),
      el("span", {}, ms(t.durationMs)), el("span", {}, `${t.spanCount} span${t.spanCount === 1 ? "" : "s"}` + (t.services.length > 1 ? ` · ${t.services.length} services` : ""))))));
}

// showTrace fetches one trace and draws its waterfall; focus moves to it
// when the user asked for it (not on a live refresh).
async function showTrace(id, focus) {
  chosen = id;
  const r = await fetch(`/api/traces/${encodeURIComponent(id)}`);
  const box = $("waterfall");
  box.hidden = false;
  if (!r.ok) {
    $("wf-h").textContent = `trace ${id}: not kept (lift dev keeps the last ${maxShown} requests)`;
    $("spans").replaceChildren();
  } else {
    const t = await r.json();
    const open = new Set([...$("spans").querySelectorAll('[aria-expanded="true"]')].map((b) => b.dataset.span));
    $("wf-h").textContent = `trace ${t.id} · ${t.root} · ${ms(t.durationMs)} · ${t.services.join(", ")}` + (t.droppedSpans ? ` · ${t.droppedSpans} spans not kept` : "");
    keepFocus($("spans"), "span", () => $("spans").replaceChildren(...t.spans.map((s) => spanRow(s, t, open.has(s.spanId)))));
  }
  renderTraces();
  if (focus) $("wf-h").focus();
}

function spanRow(s, t, open) {
  const start = Date.parse(t.start), total = Math.max(t.durationMs, 0.001);
  const left = ((Date.parse(s.start) - start) / total) * 100;
  const width = (s.durationMs / total) * 100;
  const attrs = Object.entries(s.attributes || {});
  if (s.error) attrs.unshift(["error", s.error]);
  const details = el("dl", { class: "attrs" }, ...attrs.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, String(v))]));
  details.hidden = !open;
  const row = el("button", {
    class: "span-row", "data-span": s.spanId, "aria-expanded": String(open),
    title: attrs.map(([k, v]) => `${k}: ${v}`).join("\n"),
    onclick: () => { const o = row.getAttribute("aria-expanded") !== "true"; row.setAttribute("aria-expanded", String(o)); details.hidden = !o; },
  },
  el("span", { class: "label", style: `padding-left:${Math.min(s.depth, 8) * 0.8}rem` },
    el("span", { class: "svc" }, s.service), " ", s.name, " ", el("span", { class: "kind" }, s.kind)),
  el("span", { class: "track" },
    el("span", { class: `bar ${s.error ? "error" : s.kind}`, style: `left:${Math.min(left, 99.5).toFixed(2)}%;width:${Math.max(0, Math.min(width, 100 - left)).toFixed(2)}%` }),
    el("span", { class: "dur" }, ms(s.durationMs))));
  return el("li", {}, row, details);
}
