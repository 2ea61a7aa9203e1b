/* realign dashboard: every panel is drawn from a JSON endpoint (its "twin"). No external resources. */
"use strict";

const START = Date.UTC(1936, 0, 1);
const END = Date.UTC(1955, 11, 31);
const DAY = 86400000;
const COLORS = { allies: "#1f5fa8", axis: "#b8322a", neutral: "#8a8f98" };
const LABELS = { allies: "Allies", axis: "Axis", neutral: "neutral / not at war" };
const PLOT_CONFIG = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["lasso2d", "select2d"] };

const $ = (id) => document.getElementById(id);
const state = { date: "1942-11-19", ccode: 360, members: [], capability: null, whatif: null, seq: 0, net: null, edgeMode: "kind" };
/* Signorino-Ritter S bins for colouring edges (S runs -1..1; 1 = identical alliance portfolios). */
const S_BINS = [
  { lo: 0.75, name: "S ≥ 0.75", color: "rgba(11,110,79,0.75)" },
  { lo: 0.25, name: "0.25 ≤ S < 0.75", color: "rgba(111,181,154,0.7)" },
  { lo: -0.25, name: "-0.25 ≤ S < 0.25", color: "rgba(150,150,150,0.55)" },
  { lo: -1.01, name: "S < -0.25", color: "rgba(166,67,29,0.75)" },
];
const S_LABELS = { s_unweighted: "S (unweighted)", s_weighted: "S (CINC-weighted)" };

function isoFromOffset(n) { return new Date(START + n * DAY).toISOString().slice(0, 10); }
function offsetFromIso(iso) { return Math.round((Date.parse(iso + "T00:00:00Z") - START) / DAY); }
function validIso(iso) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) return false;
  const t = Date.parse(iso + "T00:00:00Z");
  return !Number.isNaN(t) && t >= START && t <= END && new Date(t).toISOString().slice(0, 10) === iso;
}
function addMonths(iso, k) {
  const d = new Date(iso + "T00:00:00Z");
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + k);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  const t = Math.min(Math.max(d.getTime(), START), END);
  return new Date(t).toISOString().slice(0, 10);
}
function esc(s) {
  return String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}
function fmt(x, digits = 4) { return x === null || x === undefined ? "n/a" : Number(x).toFixed(digits); }
function pct(x) { return x === null || x === undefined ? "–" : Math.round(100 * x) + "%"; }

function errorText(body, status) {
  if (body && typeof body.detail === "string") return body.detail;
  if (body && Array.isArray(body.detail)) return body.detail.map((d) => `${(d.loc || []).slice(-1)[0]}: ${d.msg}`).join("; ");
  return `HTTP ${status}`;
}
async function getJSON(url, opts) {
  const r = await fetch(url, opts);
  let body = null;
  try { body = await r.json(); } catch (e) { body = null; }
  if (!r.ok) { const err = new Error(errorText(body, r.status)); err.status = r.status; throw err; }
  return body;
}
function showError(msg) {
  const el = $("error");
  if (msg) { el.textContent = msg; el.hidden = false; } else { el.textContent = ""; el.hidden = true; }
}

/* ------------------------------------------------------------------ date handling */
let timer = null;
function setDate(iso, { immediate = false } = {}) {
  if (!validIso(iso)) { showError(`Date ${iso} is outside 1936-01-01..1955-12-31 or malformed.`); return; }
  showError(null);
  state.date = iso;
  const slider = $("slider");
  slider.value = String(offsetFromIso(iso));
  slider.setAttribute("aria-valuetext", iso);
  if ($("date-input").value !== iso) $("date-input").value = iso;
  history.replaceState(null, "", `#date=${iso}&state=${state.ccode}`);
  clearTimeout(timer);
  timer = setTimeout(loadDay, immediate ? 0 : 120);
}

async function loadDay() {
  const iso = state.date;
  const seq = ++state.seq;
  $("network-json").href = `/api/network?date=${iso}`;
  drawCapability();
  try {
    const net = await getJSON(`/api/network?date=${iso}`);
    if (seq !== state.seq) return; // a newer date was asked for
    drawNetwork(net);
    fillStates(net);
    await loadDetail(seq);
  } catch (e) {
    if (seq === state.seq) showError(e.message);
  }
}

/* ------------------------------------------------------------------ network */
function sEdgeTraces(net, pos, key) {
  /* Edges coloured by the pair's S that day (key: s_unweighted or s_weighted), plus hover labels at midpoints. */
  const traces = S_BINS.map((b) => ({ type: "scatter", mode: "lines", x: [], y: [], hoverinfo: "skip",
    name: `${S_LABELS[key]}: ${b.name}`, line: { color: b.color, width: 1.5 } }));
  const none = { type: "scatter", mode: "lines", x: [], y: [], hoverinfo: "skip", name: "S not available",
    line: { color: "rgba(0,0,0,0.25)", width: 1, dash: "dot" } };
  const mid = { type: "scatter", mode: "markers", x: [], y: [], text: [], hoverinfo: "text", showlegend: false,
    name: "S labels", marker: { size: 5, color: "rgba(0,0,0,0.18)" } };
  for (const e of net.edges) {
    const a = pos.get(e.source), b = pos.get(e.target);
    if (!a || !b) continue;
    const v = e[key];
    const tr = v === null || v === undefined ? none : traces[S_BINS.findIndex((bin) => v >= bin.lo)];
    tr.x.push(a.x, b.x, null); tr.y.push(a.y, b.y, null);
    mid.x.push((a.x + b.x) / 2); mid.y.push((a.y + b.y) / 2);
    mid.text.push(`${a.name} – ${b.name}<br>${S_LABELS[key]} ${fmt(v, 3)}<br>${e.sign > 0 ? "alliance / same side" : "opposite sides (war)"}`);
  }
  return [...traces.filter((t) => t.x.length), ...(none.x.length ? [none] : []), mid];
}

function drawNetwork(net) {
  state.net = net;
  const pos = new Map(net.nodes.map((n) => [n.ccode, n]));
  const edgeTrace = (sign) => {
    const x = [], y = [];
    for (const e of net.edges) {
      if (e.sign !== sign) continue;
      const a = pos.get(e.source), b = pos.get(e.target);
      if (!a || !b) continue;
      x.push(a.x, b.x, null); y.push(a.y, b.y, null);
    }
    return {
      type: "scatter", mode: "lines", x, y, hoverinfo: "skip",
      name: sign > 0 ? "alliance / same side" : "opposite sides (war)",
      line: sign > 0 ? { color: "rgba(60,70,90,0.22)", width: 1 } : { color: "rgba(184,50,42,0.35)", width: 1, dash: "dash" },
    };
  };
  const nodeTrace = (side) => {
    const ns = net.nodes.filter((n) => n.side === side);
    return {
      type: "scatter", mode: "markers+text", name: LABELS[side],
      x: ns.map((n) => n.x), y: ns.map((n) => n.y), customdata: ns.map((n) => n.ccode),
      text: ns.map((n) => (n.major_power || (n.cinc || 0) > 0.015 ? n.stateabb : "")),
      textposition: "top center", textfont: { size: 10 },
      hovertext: ns.map((n) => `${n.name} (${n.ccode})<br>CINC ${fmt(n.cinc)}<br>${LABELS[n.side]}`),
      hoverinfo: "text",
      marker: { color: COLORS[side], size: ns.map((n) => 7 + 90 * Math.sqrt(n.cinc || 0)),
                line: { color: ns.map((n) => (n.ccode === state.ccode ? "#f0a500" : "#fff")),
                        width: ns.map((n) => (n.ccode === state.ccode ? 3 : 1)) } },
    };
  };
  const edges = state.edgeMode === "kind" ? [edgeTrace(1), edgeTrace(-1)] : sEdgeTraces(net, pos, state.edgeMode);
  const data = [...edges, nodeTrace("allies"), nodeTrace("axis"), nodeTrace("neutral")];
  const layout = {
    margin: { l: 5, r: 5, t: 5, b: 5 }, showlegend: true, legend: { orientation: "h", y: -0.02 },
    xaxis: { visible: false, range: [-1.3, 1.3], fixedrange: false },
    yaxis: { visible: false, range: [-1.3, 1.3], scaleanchor: "x" },
    hovermode: "closest", uirevision: "network", paper_bgcolor: "#fff", plot_bgcolor: "#fff",
  };
  const el = $("network");
  Plotly.react(el, data, layout, PLOT_CONFIG);
  if (!el.dataset.bound) {
    el.dataset.bound = "1";
    el.on("plotly_click", (ev) => {
      const p = ev.points && ev.points[0];
      if (p && p.customdata !== undefined) selectState(p.customdata);
    });
  }
}

function fillStates(net) {
  const nodes = [...net.nodes].sort((a, b) => (b.cinc || 0) - (a.cinc || 0));
  state.members = nodes;
  const tbody = $("states-table").querySelector("tbody");
  tbody.innerHTML = nodes.map((n) =>
    `<tr id="state-${n.ccode}" data-ccode="${n.ccode}" data-side="${n.side}" tabindex="0">` +
    `<td>${esc(n.name)}</td><td>${n.ccode}</td><td>${fmt(n.cinc)}</td>` +
    `<td class="side side-${n.side}">${LABELS[n.side]}</td></tr>`).join("");
  const sel = $("state-select");
  const byName = [...net.nodes].sort((a, b) => a.name.localeCompare(b.name));
  if (!byName.some((n) => n.ccode === state.ccode) && byName.length) state.ccode = nodes[0].ccode;
  sel.innerHTML = byName.map((n) => `<option value="${n.ccode}">${esc(n.name)} (${n.ccode})</option>`).join("");
  sel.value = String(state.ccode);
  const allies = net.nodes.filter((n) => n.side === "allies").length;
  const axis = net.nodes.filter((n) => n.side === "axis").length;
  $("summary").innerHTML = `<strong>${esc(net.date)}</strong>: ${net.nodes.length} states; ` +
    `<span class="side-allies">${allies} Allies</span>, <span class="side-axis">${axis} Axis</span> at war; ` +
    `${net.edges.filter((e) => e.sign < 0).length} hostile and ${net.edges.filter((e) => e.sign > 0).length} friendly ties.`;
}

/* ------------------------------------------------------------------ state detail */
function selectState(ccode) {
  state.ccode = Number(ccode);
  $("state-select").value = String(state.ccode);
  history.replaceState(null, "", `#date=${state.date}&state=${state.ccode}`);
  loadDetail(state.seq);
  const el = $("network");
  if (el.data) {
    for (let i = 0; i < el.data.length; i++) {
      const tr = el.data[i];
      if (!tr.customdata) continue; // edge traces
      Plotly.restyle(el, { "marker.line.color": [tr.customdata.map((c) => (c === state.ccode ? "#f0a500" : "#fff"))],
                           "marker.line.width": [tr.customdata.map((c) => (c === state.ccode ? 3 : 1))] }, [i]);
    }
  }
}

async function loadDetail(seq) {
  const iso = state.date, c = state.ccode;
  const url = `/api/state/${c}?date=${iso}`;
  $("detail-json").href = url;
  let d;
  try { d = await getJSON(url); } catch (e) {
    if (seq === state.seq) $("detail").innerHTML = `<p class="error">${esc(e.message)}</p>`;
    return;
  }
  if (seq !== state.seq || c !== state.ccode) return;
  const wars = d.wars.length ? d.wars.map((w) => `<li>${esc(w.war_name)} (war ${w.war}): <span class="side-${w.side_label}">${esc(w.war === 139 ? LABELS[w.side_label] : w.side_label)}</span>, ${esc(w.start)} – ${esc(w.end)}</li>`).join("") : "<li>none in progress</li>";
  const allies = d.allies.length ? d.allies.map((a) => `<li>${esc(a.name)} (${a.ccode}): ${esc(a.kinds.join(", ") || "other")} <span class="src">${esc(a.source)}</span></li>`).join("") : "<li>none recorded</li>";
  const events = d.events.length ? d.events.map((e) => `<li class="${e.date > iso ? "future" : ""}"><time>${esc(e.date)}</time> ${esc(e.kind.replace(/_/g, " "))}${e.counterpart ? ": " + esc(e.counterpart) : ""}${e.verified ? "" : " (unverified)"}<br><span class="src">${esc(e.source)}</span></li>`).join("") : "<li>none recorded</li>";
  const sim = similarityTable(d.similarity);
  const sources = d.sources.map((s) => `<li>${esc(s.title)} (${esc(s.version)}; ${esc(s.unit)})</li>`).join("");
  $("detail").innerHTML = `
    <h3 id="detail-name">${esc(d.name)} <small>(${d.ccode}, ${esc(d.stateabb)})</small></h3>
    <dl>
      <dt>WWII side</dt><dd id="detail-side" class="side-${d.wwii_side}">${LABELS[d.wwii_side]}</dd>
      <dt>CINC</dt><dd>${fmt(d.cinc)}${d.cinc_year ? ` (${d.cinc_year}, yearly)` : ""}</dd>
      <dt>Major power</dt><dd>${d.major_power ? "yes" : "no"}</dd>
      <dt>Military personnel</dt><dd>${d.milper ?? "n/a"} thousand</dd>
    </dl>
    <h3>Wars in progress</h3><ul>${wars}</ul>
    <h3>Allies (alliance obligations)</h3><ul>${allies}</ul>
    ${sim}
    <h3>Recorded changes 1936–1955</h3><p class="help">Later than the chosen day in grey.</p><ul>${events}</ul>
    <h3>Sources</h3><ul class="src">${sources}</ul>`;
}

function similarityTable(sim) {
  /* Top and bottom five of the state's S-scores that day (the JSON twin has every member). */
  if (!sim || !sim.scores || !sim.scores.length) return "<h3>Alliance similarity (S)</h3><p>Not available for this day.</p>";
  const rows = sim.scores;
  const pick = rows.length <= 10 ? rows.map((r, i) => [i, r]) : [...rows.slice(0, 5).map((r, i) => [i, r]),
    null, ...rows.slice(-5).map((r, i) => [rows.length - 5 + i, r])];
  const body = pick.map((p) => (p === null
    ? `<tr class="gap"><td colspan="4">… ${rows.length - 10} more in the JSON …</td></tr>`
    : `<tr data-ccode="${p[1].ccode}"><td>${p[0] + 1}</td><td>${esc(p[1].name)} (${p[1].ccode})</td>` +
      `<td class="num">${fmt(p[1].s_unweighted, 3)}</td><td class="num">${fmt(p[1].s_weighted, 3)}</td></tr>`)).join("");
  return `<h3>Alliance similarity (S)</h3>
    <p class="help">Signorino-Ritter S of ATOP alliance portfolios with every other state that day (−1..1, 1 = identical),
      sorted by unweighted S: the five most and five least similar. Weighted: each member counted by its CINC.</p>
    <table id="similarity-table" class="table">
      <caption class="sr-only">Most and least similar alliance portfolios on the chosen day</caption>
      <thead><tr><th scope="col">Rank</th><th scope="col">State</th><th scope="col">S (unweighted)</th><th scope="col">S (CINC-weighted)</th></tr></thead>
      <tbody>${body}</tbody>
    </table>
    <p class="src">${esc(sim.note)}</p>`;
}

/* ------------------------------------------------------------------ capability */
async function loadCapability() {
  try {
    state.capability = await getJSON("/api/capability?start=1936&end=1955&freq=month");
    $("cap-source").textContent = "Source: " + state.capability.source;
    drawCapability();
  } catch (e) { $("cap-source").textContent = "Capability series unavailable: " + e.message; }
}
function drawCapability() {
  const cap = state.capability;
  if (!cap) return;
  const xs = cap.series.map((p) => p.date);
  const month = state.date.slice(0, 7) + "-01";
  const at = cap.series.find((p) => p.date === month) || cap.series[cap.series.length - 1];
  const line = (key, name, color, dash) => ({ type: "scatter", mode: "lines", name, x: xs, y: cap.series.map((p) => p[key]),
    line: { color, width: 2, dash: dash || "solid", shape: "hv" }, hovertemplate: `${name} %{y:.1%}<extra>%{x|%Y-%m}</extra>` });
  const data = [
    line("allies", "Allies", COLORS.allies), line("axis", "Axis", COLORS.axis),
    line("not_at_war", "not at war", COLORS.neutral, "dot"),
    { type: "scatter", mode: "markers", name: state.date, showlegend: false, x: [at.date, at.date],
      y: [at.allies, at.axis], marker: { size: 11, color: [COLORS.allies, COLORS.axis], line: { color: "#000", width: 1 } },
      hovertemplate: "%{y:.1%}<extra>" + state.date + "</extra>" },
  ];
  const layout = {
    margin: { l: 48, r: 10, t: 8, b: 32 }, legend: { orientation: "h", y: 1.12 },
    yaxis: { tickformat: ".0%", range: [0, 1], title: { text: "share of world CINC" } },
    xaxis: { type: "date", range: ["1936-01-01", "1955-12-31"] },
    shapes: [{ type: "line", x0: state.date, x1: state.date, yref: "paper", y0: 0, y1: 1, line: { color: "#f0a500", width: 2 } }],
    uirevision: "cap",
  };
  Plotly.react($("capability"), data, layout, PLOT_CONFIG);
}

/* ------------------------------------------------------------------ what-if */
async function loadEvents() {
  const sel = $("event-select");
  try {
    const r = await getJSON("/api/events");
    sel.innerHTML = r.events.map((e) => `<option value="${esc(e.slug)}">${esc(e.name)} (${esc(e.start)} – ${esc(e.end)})</option>`).join("");
    if (r.events.some((e) => e.slug === "stalingrad")) sel.value = "stalingrad";
    if (!r.events.length) { $("whatif-status").textContent = "The event catalogue is empty."; $("run-whatif").disabled = true; }
  } catch (e) {
    sel.innerHTML = "";
    $("run-whatif").disabled = true;
    $("whatif-status").textContent = "What-if not available: " + e.message;
  }
}

async function runWhatIf(ev) {
  ev.preventDefault();
  const event = $("event-select").value;
  const runs = Number($("runs").value), seed = Number($("seed").value);
  if (!event) return;
  $("run-whatif").disabled = true;
  $("whatif-status").textContent = `Running ${runs} factual and ${runs} reversed-outcome runs of ${event}…`;
  try {
    const r = await getJSON("/api/scenario", { method: "POST", headers: { "Content-Type": "application/json" },
                                                body: JSON.stringify({ event, runs, seed }) });
    state.whatif = r;
    $("whatif-json").href = `/api/consequences/${encodeURIComponent(event)}?runs=${runs}&seed=${seed}`;
    $("whatif-status").textContent = `Done: ${r.states.length} states, ${r.months.length} months (${r.runs} runs, seed ${r.seed}). ${r.history_note}`;
    const ws = $("whatif-state");
    ws.innerHTML = r.states.map((s) => `<option value="${s.ccode}">${esc(s.name)} (${s.ccode})</option>`).join("");
    if (r.states.some((s) => s.ccode === state.ccode)) ws.value = String(state.ccode);
    else if (r.states.some((s) => s.ccode === 360)) ws.value = "360";
    const wm = $("whatif-month");
    wm.innerHTML = r.months.map((m) => `<option value="${m}">${m}</option>`).join("");
    const want = state.date.slice(0, 7);
    wm.value = r.months.includes(want) ? want : (r.months[r.months.length - 1] || "");
    $("whatif-result").hidden = false;
    drawWhatIf();
  } catch (e) {
    $("whatif-status").textContent = "What-if failed: " + e.message;
  } finally {
    $("run-whatif").disabled = false;
  }
}

function drawWhatIf() {
  const r = state.whatif;
  if (!r) return;
  const c = Number($("whatif-state").value), month = $("whatif-month").value;
  const s = r.states.find((x) => x.ccode === c) || r.states[0];
  if (s) {
    const ms = r.months;
    const get = (which, side) => ms.map((m) => (s.months[m] && s.months[m][which] ? s.months[m][which][side] : null));
    const hist = ms.map((m) => (s.months[m] ? s.months[m].history : null));
    const data = [
      { type: "scatter", mode: "lines", name: "P(Allies), factual", x: ms, y: get("factual", "allies"), line: { color: COLORS.allies } },
      { type: "scatter", mode: "lines", name: "P(Allies), reversed", x: ms, y: get("counterfactual", "allies"), line: { color: COLORS.allies, dash: "dash" } },
      { type: "scatter", mode: "lines", name: "P(Axis), factual", x: ms, y: get("factual", "axis"), line: { color: COLORS.axis } },
      { type: "scatter", mode: "lines", name: "P(Axis), reversed", x: ms, y: get("counterfactual", "axis"), line: { color: COLORS.axis, dash: "dash" } },
      { type: "scatter", mode: "markers", name: "history (side held)", x: ms, y: ms.map(() => 1.06),
        marker: { symbol: "square", size: 7, color: hist.map((h) => COLORS[h] || "#ccc") }, text: hist.map((h) => LABELS[h] || h),
        hovertemplate: "%{x}: %{text}<extra>history</extra>" },
    ];
    Plotly.react($("whatif-chart"), data, {
      margin: { l: 44, r: 10, t: 24, b: 32 }, title: { text: `${s.name}: P(side), factual vs reversed`, font: { size: 13 } },
      yaxis: { range: [0, 1.1], tickformat: ".0%" }, legend: { orientation: "h", y: -0.15 },
    }, PLOT_CONFIG);
  }
  const row = (p) => (p ? `${pct(p.allies)} / ${pct(p.axis)} / ${pct(p.neutral)}` : "–");
  $("whatif-table").querySelector("tbody").innerHTML = r.states.map((x) => {
    const m = x.months[month] || {};
    return `<tr data-ccode="${x.ccode}"><td>${esc(x.name)}</td><td>${row(m.factual)}</td><td>${row(m.counterfactual)}</td>` +
      `<td class="side-${m.history}">${LABELS[m.history] || "–"}</td></tr>`;
  }).join("");
}

/* ------------------------------------------------------------------ wiring */
function init() {
  const slider = $("slider");
  slider.min = "0";
  slider.max = String(offsetFromIso("1955-12-31"));
  slider.addEventListener("input", () => setDate(isoFromOffset(Number(slider.value))));
  slider.addEventListener("keydown", (e) => {
    if (e.key === "PageUp" || e.key === "PageDown") {
      e.preventDefault();
      setDate(addMonths(state.date, e.key === "PageUp" ? 1 : -1));
    }
  });
  $("date-input").addEventListener("change", (e) => { if (e.target.value) setDate(e.target.value, { immediate: true }); });
  $("prev-month").addEventListener("click", () => setDate(addMonths(state.date, -1), { immediate: true }));
  $("next-month").addEventListener("click", () => setDate(addMonths(state.date, 1), { immediate: true }));
  $("state-select").addEventListener("change", (e) => selectState(e.target.value));
  $("edge-mode").addEventListener("change", (e) => { state.edgeMode = e.target.value; if (state.net) drawNetwork(state.net); });
  const rowPick = (e) => { const tr = e.target.closest("tr[data-ccode]"); if (tr) selectState(tr.dataset.ccode); };
  $("states-table").addEventListener("click", rowPick);
  $("states-table").addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); rowPick(e); } });
  $("whatif-form").addEventListener("submit", runWhatIf);
  $("whatif-state").addEventListener("change", drawWhatIf);
  $("whatif-month").addEventListener("change", drawWhatIf);

  const params = new URLSearchParams(location.hash.slice(1));
  if (params.get("state") && /^\d+$/.test(params.get("state"))) state.ccode = Number(params.get("state"));
  const start = params.get("date") && validIso(params.get("date")) ? params.get("date") : state.date;
  loadCapability();
  loadEvents();
  setDate(start, { immediate: true });
}

document.addEventListener("DOMContentLoaded", init);
