// lift dev dashboard: state over server-sent events from /events.
"use strict";
const $ = (id) => document.getElementById(id);
const levels = { DEBUG: 0, INFO: 1, WARN: 2, ERROR: 3 };
let logs = [];
let lastSeq = 0; // a reconnected stream starts over: skip lines already shown
let services = [];

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v; else if (k.startsWith("on")) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
  }
  for (const k of kids) e.append(k instanceof Node ? k : String(k));
  return e;
}

function chart(points) {
  const max = Math.max(1, ...points.map((p) => p.p99));
  const line = (key) => points.map((p, i) => `${(i / (points.length - 1)) * 100},${48 - (p[key] / max) * 44}`).join(" ");
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 100 50");
  svg.setAttribute("preserveAspectRatio", "none");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", `latency over the last minute, p99 peak ${max.toFixed(1)} ms`);
  svg.innerHTML = `<polyline fill="none" stroke="#d29922" stroke-width="1" vector-effect="non-scaling-stroke" points="${line("p99")}"/>` +
    `<polyline fill="none" stroke="#3fb950" stroke-width="1.5" vector-effect="non-scaling-stroke" points="${line("p50")}"/>`;
  return svg;
}

async function act(name, action, body) {
  const r = await fetch(`/api/services/${encodeURIComponent(name)}/${action}`, {
    method: "POST", headers: { "X-Lift-Dev": "1", "Content-Type": "application/json" }, body: body ? JSON.stringify(body) : undefined,
  });
  const j = await r.json();
  $("req-out").textContent = `${name} ${action}: ${j.error ? "error: " + j.error : "status " + j.status} (${j.ms} ms)\n${j.body || ""}`;
}

function card(s) {
  const status = s.status.replace(" ", "-");
  const dl = el("dl", {});
  const stat = (k, v) => dl.append(el("div", {}, el("dt", {}, k), el("dd", { "data-stat": k }, v)));
  stat("invocations", s.invocations); stat("errors", s.errors); stat("cold starts", s.coldStarts);
  stat("warm-ups", s.warmups); stat("p50 ms", s.p50Ms.toFixed(1)); stat("p99 ms", s.p99Ms.toFixed(1));
  const extra = [];
  for (const [tier, c] of Object.entries(s.cache || {})) extra.push(`cache ${tier}: ${c.hits} hits, ${c.misses} misses`);
  if (s.jobs) extra.push(`jobs: ${s.jobs.succeeded} succeeded, ${s.jobs.failed} failed, ${s.jobs.retried} retried`);
  for (const [t, c] of Object.entries(s.discovery || {})) extra.push(`→ ${t}: ${c.calls} calls, ${c.errors} errors, breaker ${c.breaker}`);
  if (s.coldStartMs) extra.push(`cold start absorbed by warm-up: ${s.coldStartMs} ms`);
  if (s.lastReload) extra.push(`last reload ${s.lastReload}`);
  const c = el("article", { class: "card", "data-service": s.name, "aria-label": `service ${s.name}` },
    el("h3", {}, s.name, el("span", {},
      el("span", { class: `badge ${status}` }, s.status), " ",
      s.health ? el("span", { class: `badge ${s.health}`, title: "last health check" }, `health ${s.health}`) : "")),
    el("a", { class: "url", href: s.url }, s.url), dl, chart(s.chart),
    el("div", { class: "small" }, extra.join(" · ")));
  if (s.buildError) c.append(el("pre", { class: "err" }, s.buildError));
  c.append(el("div", { class: "buttons" },
    el("button", { onclick: () => act(s.name, "warmup") }, "Warm-up"),
    el("button", { onclick: () => act(s.name, "health") }, "Health check"),
    el("button", { onclick: () => sendSaved(s.name) }, "Saved request"),
    el("button", { onclick: () => act(s.name, "rebuild") }, "Rebuild")));
  return c;
}

function render() {
  const box = $("services");
  const focused = document.activeElement && document.activeElement.closest("[data-service]");
  const focusKey = focused ? [focused.dataset.service, document.activeElement.textContent] : null;
  box.replaceChildren(...services.map(card));
  if (focusKey) { // keep keyboard focus across live updates
    const again = [...box.querySelectorAll(`[data-service="${CSS.escape(focusKey[0])}"] button, [data-service="${CSS.escape(focusKey[0])}"] a`)].find((b) => b.textContent === focusKey[1]);
    if (again) again.focus();
  }
  const sel = $("req-svc");
  if (sel.options.length !== services.length) {
    const saved = JSON.parse(localStorage.getItem("liftdev.request") || "{}");
    sel.replaceChildren(...services.map((s) => el("option", {}, s.name)));
    if (saved.service) { sel.value = saved.service; $("req-method").value = saved.method; $("req-path").value = saved.path; $("req-body").value = saved.body; }
  }
}

function renderLogs() {
  const min = levels[$("level").value];
  const q = $("rid").value.trim().toLowerCase();
  const shown = logs.filter((l) => (levels[(l.level || "INFO").toUpperCase()] ?? 1) >= min && (!q || (l.requestId || "").toLowerCase().includes(q) || l.raw.toLowerCase().includes(q))).slice(-400);
  $("logs").replaceChildren(...shown.map((l) => el("li", { class: `lvl-${(l.level || "").toUpperCase()}` },
    el("span", {}, (l.time || "").slice(11, 23)), el("span", { class: "svc" }, l.service), el("span", {}, l.level || ""),
    el("span", {}, l.msg || l.raw),
    l.requestId ? el("button", { class: "rid", title: "show this request only", onclick: () => { $("rid").value = l.requestId; renderLogs(); } }, l.requestId) : "",
    l.traceId ? el("button", { class: "trace", title: "show this request's spans", onclick: () => showTrace(l.traceId, true) }, "trace") : "")));
  $("logs").scrollTop = $("logs").scrollHeight;
}

function saved() {
  return { service: $("req-svc").value, method: $("req-method").value, path: $("req-path").value, body: $("req-body").value };
}

function sendSaved(name) {
  const r = saved();
  act(name || r.service, "request", { method: r.method, path: r.path, body: r.body });
}

$("req").addEventListener("submit", (e) => {
  e.preventDefault();
  localStorage.setItem("liftdev.request", JSON.stringify(saved()));
  sendSaved();
});
$("level").addEventListener("change", renderLogs);
$("rid").addEventListener("input", renderLogs);

const es = new EventSource("/events");
es.addEventListener("state", (e) => {
  const snap = JSON.parse(e.data);
  services = snap.services;
  const fresh = (snap.logs || []).filter((l) => l.seq > lastSeq);
  if (fresh.length) { lastSeq = fresh[fresh.length - 1].seq; logs = logs.concat(fresh).slice(-2000); renderLogs(); }
  render();
  onTraces(snap);
  $("conn").textContent = "live";
});
es.onerror = () => { $("conn").textContent = "reconnecting…"; };
