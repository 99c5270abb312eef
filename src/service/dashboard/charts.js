// Plain SVG charts for the dashboard: a time-series line chart, a bar chart per run (grouped or stacked) and a
// radial drawing of a vertex's neighbourhood. No library: every element carries data-* attributes tests can read.
"use strict";

const SVG_NS = "http://www.w3.org/2000/svg";
const PALETTE = ["#2f5bd3", "#1f8a4c", "#c0392b", "#b7791f", "#7b4bc4", "#178a8a", "#a34f7a", "#5b6b82"];

function svgEl(tag, attrs, parent) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
  if (parent) parent.appendChild(el);
  return el;
}

function svgText(text, attrs, parent) {
  const el = svgEl("text", attrs, parent);
  el.textContent = text;
  return el;
}

function svgTitle(text, parent) {
  const t = svgEl("title", {}, parent);
  t.textContent = text;
  return t;
}

function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function fmtNum(v) {
  if (Math.abs(v) >= 1e6) return (v / 1e6).toFixed(1).replace(/\.0$/, "") + "M";
  if (Math.abs(v) >= 1e3) return (v / 1e3).toFixed(1).replace(/\.0$/, "") + "k";
  if (v !== 0 && Math.abs(v) < 1) return String(Number(v.toPrecision(2)));
  return String(Math.round(v * 100) / 100);
}

// Frame, y grid with labels; returns the plotting area.
function frame(svg, width, height, yMax, yLabel) {
  svg.replaceChildren();
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  const area = { x0: 48, x1: width - 12, y0: height - 28, y1: 20 };
  for (let i = 0; i <= 4; i++) {
    const v = (yMax * i) / 4;
    const y = area.y0 - ((area.y0 - area.y1) * i) / 4;
    svgEl("line", { x1: area.x0, x2: area.x1, y1: y, y2: y, class: "grid" }, svg);
    svgText(fmtNum(v), { x: area.x0 - 6, y: y + 4, class: "axis", "text-anchor": "end" }, svg);
  }
  if (yLabel) svgText(yLabel, { x: area.x0 + 4, y: 10, class: "axis" }, svg);
  return area;
}

function legend(container, names) {
  container.replaceChildren();
  names.forEach((name, i) => {
    const item = document.createElement("span");
    item.className = "legend-item";
    const swatch = document.createElementNS(SVG_NS, "svg");
    swatch.setAttribute("width", "10");
    swatch.setAttribute("height", "10");
    svgEl("rect", { width: 10, height: 10, fill: PALETTE[i % PALETTE.length] }, swatch);
    item.appendChild(swatch);
    item.appendChild(document.createTextNode(" " + name));
    container.appendChild(item);
  });
}

// series: [{name, points: [{t, v}]}] drawn as polylines over [t0, t1]; a null value breaks the line.
function lineChart(svg, legendEl, series, t0, t1, yLabel) {
  const width = 560, height = 220;
  let max = 0;
  for (const s of series) for (const p of s.points) if (p.v !== null) max = Math.max(max, p.v);
  const yMax = niceMax(max);
  const a = frame(svg, width, height, yMax, yLabel);
  const span = Math.max(1, t1 - t0);
  const x = (t) => a.x0 + ((a.x1 - a.x0) * (t - t0)) / span;
  const y = (v) => a.y0 - ((a.y0 - a.y1) * v) / yMax;
  svgText(new Date(t0).toLocaleTimeString(), { x: a.x0, y: height - 8, class: "axis" }, svg);
  svgText(new Date(t1).toLocaleTimeString(), { x: a.x1, y: height - 8, class: "axis", "text-anchor": "end" }, svg);
  series.forEach((s, i) => {
    const g = svgEl("g", { "data-series": s.name, "data-points": s.points.length }, svg);
    let run = [];
    const flush = () => {
      if (run.length) {
        svgEl("polyline", { points: run.join(" "), fill: "none", stroke: PALETTE[i % PALETTE.length],
                            "stroke-width": 2, class: "series" }, g);
      }
      run = [];
    };
    for (const p of s.points) {
      if (p.v === null) { flush(); continue; }
      run.push(x(p.t).toFixed(1) + "," + y(p.v).toFixed(1));
    }
    flush();
    const last = s.points[s.points.length - 1];
    if (last) g.dataset.last = last.v === null ? "gap" : String(last.v);
    svgTitle(s.name, g);
  });
  legend(legendEl, series.map((s) => s.name));
}

// runs: [{run_id, ...}]; keys: [{key, name}] read from each run by value(run, key); stacked or side by side.
function barChart(svg, legendEl, runs, keys, value, stacked, yLabel) {
  const width = 560, height = 220;
  let max = 0;
  for (const r of runs) {
    const vs = keys.map((k) => value(r, k.key) || 0);
    max = Math.max(max, stacked ? vs.reduce((a, b) => a + b, 0) : Math.max(0, ...vs));
  }
  const yMax = niceMax(max);
  const a = frame(svg, width, height, yMax, yLabel);
  const slot = (a.x1 - a.x0) / Math.max(1, runs.length);
  const y = (v) => a.y0 - ((a.y0 - a.y1) * v) / yMax;
  runs.forEach((r, i) => {
    const g = svgEl("g", { "data-run": r.run_id }, svg);
    const left = a.x0 + slot * i + slot * 0.15;
    const w = slot * 0.7;
    let base = 0;
    keys.forEach((k, j) => {
      const v = value(r, k.key) || 0;
      const color = PALETTE[j % PALETTE.length];
      let rect;
      if (stacked) {
        rect = svgEl("rect", { x: left, width: w, y: y(base + v), height: y(base) - y(base + v), fill: color }, g);
        base += v;
      } else {
        const bw = w / keys.length;
        rect = svgEl("rect", { x: left + bw * j, width: bw, y: y(v), height: a.y0 - y(v), fill: color }, g);
      }
      rect.dataset.series = k.key;
      rect.dataset.value = String(v);
      svgTitle(`run #${r.run_id} · ${k.name}: ${v}`, rect);
    });
    if (runs.length <= 30 || i % Math.ceil(runs.length / 30) === 0) {
      svgText("#" + r.run_id, { x: left + w / 2, y: a.y0 + 14, class: "axis", "text-anchor": "middle" }, g);
    }
  });
  legend(legendEl, keys.map((k) => k.name));
}

// A vertex in the middle, its hop-1 neighbours on a circle, hop-2 ones on a wider circle near their first link.
function neighbourhoodGraph(svg, data, onVertex) {
  const width = 720, height = 520, cx = width / 2, cy = height / 2;
  svg.replaceChildren();
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  const key = (t, id) => t + "\u0000" + id;
  const pos = new Map();
  const byHop = [[], [], []];
  for (const v of data.vertices) byHop[v.hop].push(v);
  pos.set(key(data.vertex.v_type, data.vertex.v_id), { x: cx, y: cy, angle: 0 });
  const place = (list, radius, angleOf) => {
    list.forEach((v, i) => {
      const angle = angleOf(v, i, list.length);
      pos.set(key(v.v_type, v.v_id), { x: cx + radius * Math.cos(angle), y: cy + radius * Math.sin(angle), angle });
    });
  };
  place(byHop[1], 150, (v, i, n) => -Math.PI / 2 + (2 * Math.PI * i) / Math.max(1, n));
  // Hop 2: ordered by the angle of a hop-1 vertex it is linked with, so lines stay short.
  const parentAngle = (v) => {
    for (const e of data.edges) {
      const other = e.from_type === v.v_type && e.from_id === v.v_id ? key(e.to_type, e.to_id)
        : e.to_type === v.v_type && e.to_id === v.v_id ? key(e.from_type, e.from_id) : null;
      if (other && pos.has(other)) return pos.get(other).angle;
    }
    return 0;
  };
  const hop2 = byHop[2].map((v) => ({ v, a: parentAngle(v) })).sort((p, q) => p.a - q.a).map((p) => p.v);
  place(hop2, 215, (v, i, n) => -Math.PI / 2 + (2 * Math.PI * (i + 0.5)) / Math.max(1, n));
  svgEl("defs", {}, svg).appendChild(arrowMarker());
  const edges = svgEl("g", { class: "edges" }, svg);
  // Several edges between one pair (discriminated multi-edges) bend apart so each one shows.
  const pairKey = (e) => [key(e.from_type, e.from_id), key(e.to_type, e.to_id)].sort().join("\u0001");
  const perPair = new Map();
  for (const e of data.edges) perPair.set(pairKey(e), (perPair.get(pairKey(e)) || 0) + 1);
  const seen = new Map();
  // Past a dozen edges their labels cover each other: the tooltips and the edge table still name them.
  const labelEdges = data.edges.length <= 12;
  for (const e of data.edges) {
    const a = pos.get(key(e.from_type, e.from_id));
    const b = pos.get(key(e.to_type, e.to_id));
    if (!a || !b) continue;
    const pk = pairKey(e);
    const k = seen.get(pk) || 0;
    seen.set(pk, k + 1);
    const bend = (k - (perPair.get(pk) - 1) / 2) * 36;
    const g = svgEl("g", { class: "edge", "data-edge": `${e.e_type}:${e.from_id}->${e.to_id}` }, edges);
    const dx = b.x - a.x, dy = b.y - a.y, len = Math.max(1, Math.hypot(dx, dy));
    const cx1 = (a.x + b.x) / 2 - (dy / len) * bend, cy1 = (a.y + b.y) / 2 + (dx / len) * bend;
    // Stop short of the target circle so the arrow head shows.
    const tx = b.x - cx1, ty = b.y - cy1, tl = Math.max(1, Math.hypot(tx, ty));
    const ex = b.x - (tx / tl) * 20, ey = b.y - (ty / tl) * 20;
    const path = { d: `M ${a.x.toFixed(1)} ${a.y.toFixed(1)} Q ${cx1.toFixed(1)} ${cy1.toFixed(1)} ${ex.toFixed(1)} ` +
                      `${ey.toFixed(1)}`, class: "edge-line", fill: "none" };
    if (e.directed) path["marker-end"] = "url(#arrow)";
    svgEl("path", path, g);
    // The label sits on the curve's middle: (a + 2c + b) / 4 for a quadratic Bézier.
    if (labelEdges) {
      svgText(e.e_type, { x: (a.x + 2 * cx1 + b.x) / 4, y: (a.y + 2 * cy1 + b.y) / 4 - 4, class: "edge-label",
                          "text-anchor": "middle" }, g);
    }
    svgTitle(`${e.e_type} ${e.from_type} ${e.from_id} → ${e.to_type} ${e.to_id}\n${producedBy(e.produced_by)}\n` +
             JSON.stringify(e.attributes), g);
  }
  const nodes = svgEl("g", { class: "nodes" }, svg);
  const types = [...new Set(data.vertices.map((v) => v.v_type))];
  for (const v of data.vertices) {
    const p = pos.get(key(v.v_type, v.v_id));
    const g = svgEl("g", { class: "node" + (v.hop === 0 ? " center" : ""), "data-vertex": `${v.v_type}:${v.v_id}`,
                           tabindex: 0 }, nodes);
    svgEl("circle", { cx: p.x, cy: p.y, r: 18, fill: PALETTE[types.indexOf(v.v_type) % PALETTE.length] }, g);
    svgText(v.v_id, { x: p.x, y: p.y + 32, class: "node-label", "text-anchor": "middle" }, g);
    svgText(v.v_type, { x: p.x, y: p.y + 4, class: "node-type", "text-anchor": "middle" }, g);
    svgTitle(`${v.v_type} ${v.v_id}\n${producedBy(v.produced_by)}\n${JSON.stringify(v.attributes)}`, g);
    g.addEventListener("click", () => onVertex(v.v_type, v.v_id));
  }
}

function arrowMarker() {
  const m = document.createElementNS(SVG_NS, "marker");
  for (const [k, v] of Object.entries({ id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7,
                                         markerHeight: 7, orient: "auto-start-reverse" })) m.setAttribute(k, v);
  svgEl("path", { d: "M 0 0 L 10 5 L 0 10 z", class: "arrow" }, m);
  return m;
}

function producedBy(list) {
  if (!list || !list.length) return "produced by no mapping (an edge endpoint)";
  return "produced by " + list.map((p) => `${p.mapping} (table ${p.table})`).join(", ");
}
