// icegraph dashboard: polls /api/v1 every few seconds; "Sync now" starts an incremental sync job.
"use strict";

const TOKEN_KEY = "icegraph.token";
const REFRESH_MS = 3000;
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
    const [tables, runs, letters] = await Promise.all([
      api("/api/v1/tables"), api("/api/v1/runs?limit=10"), api("/api/v1/dead-letters?limit=1"),
    ]);
    renderTables(tables);
    renderRuns(runs);
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
  refresh();
  setInterval(refresh, REFRESH_MS);
});
