// Small SVG charts for the dashboard: a multi-series line chart over days, stacked bars of
// counts (sentiment by month), a horizontal bar chart, one series' history followed by its
// forecast, and rates with their confidence intervals. No library: the pages must work with
// no request outside the server. Every chart has a <title> and an aria-label so that it is
// readable without seeing it.

const SVG = "http://www.w3.org/2000/svg";
// Colour-blind-safe palette (Okabe and Ito), dark enough on white for AA contrast of lines.
export const PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"];

function el(name, attributes = {}, text) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

function niceMax(value) {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10].find((s) => s * power >= value) ?? 10;
  return step * power;
}

/** Lines over `labels` (x) for each of `series` = [{name, values}], with a legend. */
export function lineChart({ labels, series, title, width = 720, height = 260 }) {
  const pad = { left: 48, right: 12, top: 16, bottom: 36 };
  const svg = el("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": title, class: "chart" });
  svg.append(el("title", {}, title));
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values)));
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const x = (i) => pad.left + (labels.length <= 1 ? plotW / 2 : (i * plotW) / (labels.length - 1));
  const y = (v) => pad.top + plotH - (v / max) * plotH;
  for (let k = 0; k <= 4; k++) {
    const value = (max * k) / 4;
    svg.append(el("line", { x1: pad.left, x2: width - pad.right, y1: y(value), y2: y(value), class: "grid" }));
    svg.append(el("text", { x: pad.left - 6, y: y(value) + 4, "text-anchor": "end", class: "tick" }, Math.round(value).toLocaleString()));
  }
  const every = Math.max(1, Math.ceil(labels.length / 8));
  labels.forEach((label, i) => {
    // The last day is always labelled; the regular label before it is dropped when they would overlap.
    const last = labels.length - 1;
    const crowdsLast = i !== last && last - i < every / 2 + 1;
    if ((i % every === 0 && !crowdsLast) || i === last) {
      svg.append(el("text", { x: x(i), y: height - pad.bottom + 16, "text-anchor": "middle", class: "tick" }, label));
    }
  });
  series.forEach((s, n) => {
    const points = s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
    const line = el("polyline", { points, fill: "none", stroke: PALETTE[n % PALETTE.length], "stroke-width": 2 });
    line.append(el("title", {}, s.name));
    svg.append(line);
  });
  return figureOf(svg, series);
}

/** The colour of the `n`th of `series`: its own `colour`, else the palette's. */
function colourOf(series, n) {
  return series[n].colour ?? PALETTE[n % PALETTE.length];
}

/** The chart and a legend naming each series with its total. */
function figureOf(svg, series) {
  const legend = document.createElement("ul");
  legend.className = "legend";
  series.forEach((s, n) => {
    const item = document.createElement("li");
    const swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.style.background = colourOf(series, n);
    item.append(swatch, document.createTextNode(`${s.name} (${s.values.reduce((a, b) => a + b, 0).toLocaleString()})`));
    legend.append(item);
  });
  const figure = document.createElement("figure");
  figure.append(svg, legend);
  return figure;
}

/**
 * Stacked bars of counts over `labels` (x): one segment per series = [{name, values, colour?}],
 * bottom first, with a legend. The axis counts in whole steps, so small counts read true.
 */
export function stackedBarChart({ labels, series, title, width = 720, height = 260 }) {
  const pad = { left: 48, right: 12, top: 16, bottom: 36 };
  const svg = el("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": title, class: "chart" });
  svg.append(el("title", {}, title));
  const totals = labels.map((_, i) => series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const highest = Math.max(1, ...totals);
  const step = Math.max(1, niceMax(highest / 4));
  const max = step * Math.ceil(highest / step);
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const band = plotW / Math.max(1, labels.length);
  const barW = Math.min(56, band * 0.7);
  const y = (v) => pad.top + plotH - (v / max) * plotH;
  for (let value = 0; value <= max; value += step) {
    svg.append(el("line", { x1: pad.left, x2: width - pad.right, y1: y(value), y2: y(value), class: "grid" }));
    svg.append(el("text", { x: pad.left - 6, y: y(value) + 4, "text-anchor": "end", class: "tick" }, value.toLocaleString()));
  }
  const every = Math.max(1, Math.ceil(labels.length / 12));
  labels.forEach((label, i) => {
    const middle = pad.left + band * (i + 0.5);
    let below = 0;
    series.forEach((s, n) => {
      const value = s.values[i] ?? 0;
      if (value <= 0) return;
      const rect = el("rect", { x: middle - barW / 2, y: y(below + value), width: barW, height: y(below) - y(below + value), fill: colourOf(series, n) });
      rect.append(el("title", {}, `${label} · ${s.name}: ${value.toLocaleString()}`));
      svg.append(rect);
      below += value;
    });
    if (i % every === 0 || i === labels.length - 1) {
      svg.append(el("text", { x: middle, y: height - pad.bottom + 16, "text-anchor": "middle", class: "tick" }, label));
    }
  });
  return figureOf(svg, series);
}

/** Horizontal bars: rows = [{label, value, note?, colour?}]. */
export function barChart({ rows, title, width = 720, format = (v) => v.toLocaleString() }) {
  const rowH = 28;
  const pad = { left: 160, right: 90, top: 8 };
  const height = pad.top * 2 + rows.length * rowH;
  const svg = el("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": title, class: "chart" });
  svg.append(el("title", {}, title));
  const max = Math.max(0, ...rows.map((r) => r.value)) || 1;
  rows.forEach((row, i) => {
    const top = pad.top + i * rowH;
    const w = ((width - pad.left - pad.right) * row.value) / max;
    svg.append(el("text", { x: pad.left - 8, y: top + 18, "text-anchor": "end", class: "label" }, row.label));
    svg.append(el("rect", { x: pad.left, y: top + 4, width: Math.max(1, w), height: rowH - 8, fill: row.colour ?? PALETTE[i % PALETTE.length] }));
    svg.append(el("text", { x: pad.left + w + 6, y: top + 18, class: "label" }, row.note ?? format(row.value)));
  });
  return svg;
}

/**
 * One series over `labels`: the `history` values as a solid line, then the `forecast` values as
 * a lighter dashed line with hollow points over a shaded band, so the two read apart without
 * colour too. `names` = {history, forecast} label the legend; every point's <title> holds its
 * label and value. The axis counts in whole steps when the values are counts.
 */
export function forecastChart({ labels, history, forecast, names, title, colour = PALETTE[0], forecastColour = "#4A9BD6", width = 720, height = 240 }) {
  const pad = { left: 48, right: 16, top: 16, bottom: 36 };
  const svg = el("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": title, class: "chart" });
  svg.append(el("title", {}, title));
  const values = [...history, ...forecast];
  const highest = Math.max(0, ...values);
  const step = highest > 4 ? niceMax(highest / 4) : 1;
  const max = Math.max(step, step * Math.ceil(highest / step));
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const x = (i) => pad.left + (values.length <= 1 ? plotW / 2 : (i * plotW) / (values.length - 1));
  const y = (v) => pad.top + plotH - (v / max) * plotH;
  if (forecast.length) {
    const from = history.length ? (x(history.length - 1) + x(history.length)) / 2 : pad.left;
    svg.append(el("rect", { x: from, y: pad.top, width: width - pad.right - from, height: plotH, fill: "#eef4fa" }));
    svg.append(el("line", { x1: from, x2: from, y1: pad.top, y2: pad.top + plotH, stroke: "#6e7781", "stroke-dasharray": "2 3" }));
  }
  for (let value = 0; value <= max + step / 2; value += step) {
    svg.append(el("line", { x1: pad.left, x2: width - pad.right, y1: y(value), y2: y(value), class: "grid" }));
    svg.append(el("text", { x: pad.left - 6, y: y(value) + 4, "text-anchor": "end", class: "tick" }, value.toLocaleString()));
  }
  const every = Math.max(1, Math.ceil(labels.length / 8));
  const last = labels.length - 1;
  labels.forEach((label, i) => {
    // As in lineChart: the last label always shows; a regular one too close to it does not.
    const crowdsLast = i !== last && last - i < every / 2 + 1;
    if ((i % every === 0 && !crowdsLast) || i === last) {
      svg.append(el("text", { x: x(i), y: height - pad.bottom + 16, "text-anchor": "middle", class: "tick" }, label));
    }
  });
  const line = (from, list, stroke, dashed) => {
    const points = list.map((v, k) => `${x(from + k).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
    svg.append(el("polyline", { points, fill: "none", stroke, "stroke-width": 2, "stroke-dasharray": dashed ? "6 4" : "none" }));
  };
  line(0, history, colour, false);
  // The forecast's line starts at the last period sold, so the two join.
  if (forecast.length) line(Math.max(0, history.length - 1), history.length ? [history.at(-1), ...forecast] : forecast, forecastColour, true);
  values.forEach((v, i) => {
    const ahead = i >= history.length;
    const point = el("circle", { cx: x(i), cy: y(v), r: 3, fill: ahead ? "#ffffff" : colour, stroke: ahead ? forecastColour : colour, "stroke-width": 2 });
    point.append(el("title", {}, `${labels[i]} · ${ahead ? names.forecast : names.history}: ${v.toLocaleString()}`));
    svg.append(point);
  });
  return figureOf(svg, [{ name: names.history, values: history, colour }, { name: names.forecast, values: forecast, colour: forecastColour }]);
}

/**
 * Rates with their intervals, one row per entry of rows = [{label, rate, low, high, note?}]: a
 * line from `low` to `high` with end ticks and a dot at `rate`, on one axis from 0 to the
 * highest upper end. A row whose rate is null shows its note only. Every row's <title> holds
 * its label, rate and interval as `format` writes them.
 */
export function intervalChart({ rows, title, width = 720, format = (v) => `${(100 * v).toFixed(1)}%` }) {
  const rowH = 32;
  const pad = { left: 160, right: 150, top: 8, bottom: 28 };
  const height = pad.top + pad.bottom + rows.length * rowH;
  const svg = el("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": title, class: "chart" });
  svg.append(el("title", {}, title));
  const highest = Math.max(0, ...rows.map((r) => r.high ?? 0));
  const max = highest > 0 ? niceMax(highest) : 1;
  const plotW = width - pad.left - pad.right;
  const x = (v) => pad.left + (v / max) * plotW;
  const bottom = pad.top + rows.length * rowH;
  for (let k = 0; k <= 4; k++) {
    const value = (max * k) / 4;
    svg.append(el("line", { x1: x(value), x2: x(value), y1: pad.top, y2: bottom, class: "grid" }));
    svg.append(el("text", { x: x(value), y: bottom + 16, "text-anchor": "middle", class: "tick" }, format(value)));
  }
  rows.forEach((row, i) => {
    const middle = pad.top + i * rowH + rowH / 2;
    const colour = row.colour ?? PALETTE[i % PALETTE.length];
    svg.append(el("text", { x: pad.left - 8, y: middle + 4, "text-anchor": "end", class: "label" }, row.label));
    if (row.rate === null || row.rate === undefined) {
      svg.append(el("text", { x: pad.left + 4, y: middle + 4, class: "label" }, row.note ?? ""));
      return;
    }
    const group = el("g", {});
    group.append(el("title", {}, `${row.label}: ${format(row.rate)} [${format(row.low)}, ${format(row.high)}]`));
    group.append(el("line", { x1: x(row.low), x2: x(row.high), y1: middle, y2: middle, stroke: colour, "stroke-width": 3 }));
    for (const end of [row.low, row.high]) {
      group.append(el("line", { x1: x(end), x2: x(end), y1: middle - 7, y2: middle + 7, stroke: colour, "stroke-width": 2 }));
    }
    group.append(el("circle", { cx: x(row.rate), cy: middle, r: 5, fill: colour }));
    svg.append(group);
    svg.append(el("text", { x: width - pad.right + 8, y: middle + 4, class: "label" },
      row.note ?? `${format(row.rate)} [${format(row.low)}, ${format(row.high)}]`));
  });
  return svg;
}
