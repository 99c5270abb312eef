// icegraph dashboard: polls /api/v1 every few seconds; "Sync now" starts an incremental sync job. Views by URL
// hash: #/ (tables, charts, runs), #/dead-letters[/reason], #/neighbourhood[/type/id[/hops]].
"use strict";

const TOKEN_KEY = "icegraph.token";
const REFRESH_MS = 3000;
const HISTORY_RUNS = 30;
let activeJob = null;

const $ = (id) => document.getElementById(id);

// Snapshot and run ids are 64-bit: beyond 2^53 a JS number rounds them, so ids of 16+ digits are read as strings.
function parseJson(text) {
  return JSON.parse(text.replace(/("[A-Za-z_]*_id"\s*:\s*)(-?\d{16,})/g, '$1"$2"'));
}

function token() { return sessionStorage.getItem(TOKEN_KEY) || ""; }

async function api(path, options = {}) {
  const headers = Object.assign({}, options.headers || {});
  if (token()) headers["Authorization"] = "Bearer " + token();
  const res = await fetch(path, Object.assign({}, options, { headers }));
  let body = null;
  try { body = parseJson(await res.text()); } catch (e) { body = null; }
  if (res.status === 401 || res.status === 403) {
    $("auth").hidden = false;
    if (res.status === 403) sessionStorage.removeItem(TOKEN_KEY);
    throw new Error(res.status === 401 ? "enter the API token to see the pipeline" : "the token was refused");
  }
  if (!res.ok && res.status !== 202) {
    const msg = body && body.error ? body.error.message : res.status + " " + res.statusText;
    throw new Error(msg);
  }
  return body;
}

function cell(row, text, cls, field) {
  const td = document.createElement("td");
  td.textContent = text === null || text === undefined ? "–" : String(text);
  if (cls) td.className = cls;
  if (field) td.dataset.field = field;
  row.appendChild(td);
  return td;
}

function fmtTime(ms) { return ms ? new Date(ms).toLocaleString() : "–"; }

function lag(seconds) {
  if (!seconds) return "0 s";
  if (seconds < 120) return seconds + " s";
  if (seconds < 7200) return Math.round(seconds / 60) + " min";
  return Math.round(seconds / 3600) + " h";
}

function sumTables(counts, key) {
  return (counts.tables || []).reduce((n, t) => n + (t[key] || 0), 0);
}

function sumTypes(counts, kind, key) {
  return Object.values(counts.types || {}).filter((t) => !kind || t.kind === kind).reduce((n, t) => n + (t[key] || 0), 0);
}

function renderTables(data) {
  $("pipeline").textContent = data.pipeline ? "· " + data.pipeline : "";
  const body = $("tables").querySelector("tbody");
  body.replaceChildren();
  for (const t of data.tables) {
    const tr = document.createElement("tr");
    tr.dataset.table = t.table;
    cell(tr, t.table, "", "table");
    cell(tr, t.checkpoint_snapshot_id, "num", "checkpoint");
    cell(tr, t.current_snapshot_id, "num", "current");
    cell(tr, t.gap ? "gap: " + t.gap : t.snapshots_behind, t.snapshots_behind > 0 || t.gap ? "num behind" : "num",
         "behind");
    cell(tr, lag(t.seconds_behind), "num", "lag");
    const lr = t.last_run;
    cell(tr, lr ? "#" + lr.run_id + " " + lr.outcome : null, lr ? "outcome-" + lr.outcome : "", "last-run");
    cell(tr, lr ? lr.rows_read : null, "num", "rows-read");
    body.appendChild(tr);
  }
}

function renderRuns(data) {
  const body = $("runs").querySelector("tbody");
  body.replaceChildren();
  for (const r of data.runs) {
    const c = r.counts || {};
    const tr = document.createElement("tr");
    tr.dataset.run = r.run_id;
    cell(tr, "#" + r.run_id, "", "run");
    cell(tr, r.kind, "", "kind");
    cell(tr, r.outcome, "outcome-" + r.outcome, "outcome");
    cell(tr, fmtTime(r.started_ms), "", "started");
    cell(tr, r.ended_ms ? ((r.ended_ms - r.started_ms) / 1000).toFixed(2) : null, "num", "seconds");
    cell(tr, sumTables(c, "rows_read"), "num", "rows-read");
    cell(tr, sumTypes(c, "vertex", "accepted"), "num", "vertices-upserted");
    cell(tr, sumTypes(c, "edge", "accepted"), "num", "edges-upserted");
    cell(tr, sumTypes(c, null, "deleted"), "num", "deleted");
    cell(tr, c.dead_letters || 0, "num", "dead-letters");
    if (r.error) tr.title = r.error;
    body.appendChild(tr);
  }
}

function renderJob(job) {
  if (!job) return;
  let text = job.mode + " · " + job.status;
  if (job.run_id) text += " · run #" + job.run_id;
  $("job").textContent = text;
  $("job").className = "stat-value small outcome-" + job.status;
  $("job").dataset.status = job.status;
}

async function refreshReady() {
  try {
    const res = await fetch("/readyz");
    const body = await res.json();
    const pill = $("ready");
    pill.textContent = body.status;
    pill.className = "pill " + (res.ok ? "ok" : "bad");
    if (!res.ok) {
      pill.title = Object.entries(body.checks).filter(([, c]) => !c.ok).map(([n, c]) => n + ": " + c.error).join("\n");
    } else {
      pill.title = "";
    }
  } catch (e) {
    $("ready").textContent = "unreachable";
    $("ready").className = "pill bad";
  }
}

async function refresh() {
  refreshReady();
  try {
    const [tables, runs, letters, history] = await Promise.all([
      api("/api/v1/tables"), api("/api/v1/runs?limit=10"), api("/api/v1/dead-letters?limit=1"),
      view().name === "overview" ? api("/api/v1/history?runs=" + HISTORY_RUNS) : null,
    ]);
    renderTables(tables);
    renderRuns(runs);
    if (history) renderCharts(history);
    if (view().name === "dead-letters") await refreshReasons();
    $("dead-letters").textContent = letters.total;
    if (tables.running_job) renderJob(tables.running_job);
    let failure = "";
    if (activeJob) {
      const job = await api("/api/v1/syncs/" + encodeURIComponent(activeJob));
      renderJob(job);
      if (job.status === "succeeded" || job.status === "failed") {
        activeJob = null;
        $("sync-now").disabled = false;
        if (job.status === "failed") failure = "sync failed: " + job.error;
      }
    }
    $("auth").hidden = !!token() || $("auth").hidden;
    showMessage(failure, !!failure);
    $("updated").textContent = "updated " + new Date().toLocaleTimeString();
  } catch (e) {
    showMessage(e.message, true);
  }
}

function showMessage(text, error) {
  $("message").textContent = text;
  $("message").classList.toggle("error", !!error);
}

async function syncNow() {
  $("sync-now").disabled = true;
  showMessage("");
  try {
    const job = await api("/api/v1/syncs", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ mode: "incremental" }),
    });
    activeJob = job.id;
    renderJob(job);
  } catch (e) {
    showMessage(e.message, true);
    $("sync-now").disabled = false;
  }
  refresh();
}

document.addEventListener("DOMContentLoaded", () => {
  $("token-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const value = $("token").value.trim();
    if (value) sessionStorage.setItem(TOKEN_KEY, value);
    $("token").value = "";
    $("auth").hidden = true;
    showMessage("");
    refresh();
  });
  $("sync-now").addEventListener("click", syncNow);
  $("nb-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    location.hash = "#/neighbourhood/" + encodeURIComponent($("nb-type").value.trim()) + "/" +
      encodeURIComponent($("nb-id").value.trim()) + "/" + $("nb-hops").value;
  });
  $("letters-more").addEventListener("click", () => loadLetters(false));
  window.addEventListener("hashchange", showView);
  showView();
  refresh();
  setInterval(refresh, REFRESH_MS);
});

// --- views ----------------------------------------------------------------------------------------------------

function view() {
  const parts = location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  if (parts[0] === "dead-letters") return { name: "dead-letters", reason: parts[1] || null };
  if (parts[0] === "neighbourhood") {
    return { name: "neighbourhood", type: parts[1] || null, id: parts[2] || null, hops: parts[3] || "1" };
  }
  return { name: "overview" };
}

let shownReason = null;

function showView() {
  const v = view();
  for (const name of ["overview", "dead-letters", "neighbourhood"]) $("view-" + name).hidden = name !== v.name;
  for (const a of document.querySelectorAll("nav a")) a.classList.toggle("active", a.dataset.view === v.name);
  if (v.name === "overview") refresh();
  if (v.name === "dead-letters") {
    refreshReasons().catch((e) => showMessage(e.message, true));
    if (v.reason !== shownReason) {
      shownReason = v.reason;
      loadLetters(true);
    }
  }
  if (v.name === "neighbourhood" && v.type && v.id) {
    $("nb-type").value = v.type;
    $("nb-id").value = v.id;
    $("nb-hops").value = v.hops === "2" ? "2" : "1";
    loadNeighbourhood(v.type, v.id, v.hops).catch((e) => showMessage(e.message, true));
  }
}

// --- charts ---------------------------------------------------------------------------------------------------

function renderCharts(h) {
  const t0 = h.from_ms, t1 = h.now_ms;
  const lagSeries = (field) => h.lag.map((l) => ({
    name: l.table, points: l.points.map((p) => ({ t: p.t_ms, v: field === "snapshots" ? p.snapshots : p.seconds })),
  }));
  lineChart($("chart-lag-snapshots"), $("legend-lag-snapshots"), lagSeries("snapshots"), t0, t1, "snapshots");
  lineChart($("chart-lag-seconds"), $("legend-lag-seconds"), lagSeries("seconds"), t0, t1, "seconds");
  barChart($("chart-throughput"), $("legend-throughput"), h.runs,
           [{ key: "rows_read", name: "rows read" }, { key: "vertices_upserted", name: "vertices written" },
            { key: "edges_upserted", name: "edges written" }, { key: "deleted", name: "deleted" }],
           (r, k) => r[k], false, "per run");
  barChart($("chart-duration"), $("legend-duration"), h.runs, [{ key: "seconds", name: "seconds" }],
           (r, k) => r[k], false, "seconds");
  const reasons = [...new Set(h.runs.flatMap((r) => Object.keys(r.dead_letters_by_reason)))].sort();
  barChart($("chart-dead-letters"), $("legend-dead-letters"), h.runs,
           reasons.map((x) => ({ key: x, name: x })), (r, k) => r.dead_letters_by_reason[k], true, "dead letters");
}

// --- dead letters ---------------------------------------------------------------------------------------------

async function refreshReasons() {
  const data = await api("/api/v1/dead-letters/reasons");
  const body = $("reasons").querySelector("tbody");
  body.replaceChildren();
  for (const r of data.reasons) {
    const tr = document.createElement("tr");
    tr.dataset.reason = r.reason_code;
    tr.className = "clickable" + (r.reason_code === shownReason ? " selected" : "");
    cell(tr, r.reason_code, "", "reason");
    cell(tr, r.count, "num", "count");
    cell(tr, r.by_mapping.map((m) => `${m.mapping}: ${m.count}`).join(", "), "wrap", "mappings");
    tr.addEventListener("click", () => { location.hash = "#/dead-letters/" + encodeURIComponent(r.reason_code); });
    body.appendChild(tr);
  }
  if (!data.reasons.length) {
    const tr = document.createElement("tr");
    cell(tr, "no open dead letters", "muted");
    body.appendChild(tr);
  }
}

let lettersCursor = null;

async function loadLetters(reset) {
  if (!shownReason) {
    $("reason-rows").hidden = true;
    return;
  }
  const body = $("letters").querySelector("tbody");
  if (reset) {
    lettersCursor = null;
    body.replaceChildren();
  }
  let path = "/api/v1/dead-letters?limit=50&reason=" + encodeURIComponent(shownReason);
  if (lettersCursor) path += "&cursor=" + encodeURIComponent(lettersCursor);
  try {
    const data = await api(path);
    $("reason-rows").hidden = false;
    $("reason-name").textContent = shownReason;
    $("reason-total").textContent = "· " + data.total + " open";
    for (const d of data.items) {
      const tr = document.createElement("tr");
      tr.dataset.letter = d.id;
      cell(tr, d.source_table, "", "table");
      cell(tr, d.snapshot_id, "num", "snapshot");
      cell(tr, d.mapping, "", "mapping");
      cell(tr, d.row_key, "", "key");
      cell(tr, d.message, "wrap", "message");
      cell(tr, d.row_json, "wrap", "row");
      body.appendChild(tr);
    }
    lettersCursor = data.next_cursor;
    $("letters-more").hidden = !lettersCursor;
  } catch (e) {
    showMessage(e.message, true);
  }
}

// --- neighbourhood --------------------------------------------------------------------------------------------

function producedText(list) {
  return list && list.length ? list.map((p) => `${p.mapping} (${p.table})`).join(", ") : "no mapping";
}

function vertexLink(td, type, id) {
  td.replaceChildren();
  const a = document.createElement("a");
  a.className = "vertex-link";
  a.textContent = type + " " + id;
  a.href = "#/neighbourhood/" + encodeURIComponent(type) + "/" + encodeURIComponent(id) + "/" + $("nb-hops").value;
  td.appendChild(a);
}

async function loadNeighbourhood(type, id, hops) {
  const data = await api("/api/v1/neighbourhood?type=" + encodeURIComponent(type) + "&id=" + encodeURIComponent(id) +
                         "&hops=" + encodeURIComponent(hops));
  $("nb-result").hidden = false;
  $("nb-title").textContent = `${type} ${id} · ${hops} hop${hops === "2" ? "s" : ""}`;
  const notes = [`${data.vertices.length} vertices, ${data.edges.length} edges`];
  if (data.truncated) notes.push(`cut at ${data.limit} vertices`);
  notes.push(...data.incomplete);
  $("nb-note").textContent = notes.join(" · ");
  neighbourhoodGraph($("nb-graph"), data, (t, i) => {
    location.hash = "#/neighbourhood/" + encodeURIComponent(t) + "/" + encodeURIComponent(i) + "/" + $("nb-hops").value;
  });
  const vbody = $("nb-vertices").querySelector("tbody");
  vbody.replaceChildren();
  for (const v of data.vertices) {
    const tr = document.createElement("tr");
    tr.dataset.vertex = v.v_type + ":" + v.v_id;
    cell(tr, v.hop, "num", "hop");
    cell(tr, v.v_type, "", "type");
    vertexLink(cell(tr, v.v_id, "", "id"), v.v_type, v.v_id);
    cell(tr, JSON.stringify(v.attributes), "wrap", "attributes");
    cell(tr, producedText(v.produced_by), "", "produced-by");
    vbody.appendChild(tr);
  }
  const ebody = $("nb-edges").querySelector("tbody");
  ebody.replaceChildren();
  for (const e of data.edges) {
    const tr = document.createElement("tr");
    tr.dataset.edge = `${e.e_type}:${e.from_id}->${e.to_id}`;
    cell(tr, e.e_type, "", "type");
    vertexLink(cell(tr, "", "", "from"), e.from_type, e.from_id);
    vertexLink(cell(tr, "", "", "to"), e.to_type, e.to_id);
    cell(tr, JSON.stringify(e.attributes), "wrap", "attributes");
    cell(tr, producedText(e.produced_by), "", "produced-by");
    ebody.appendChild(tr);
  }
}
