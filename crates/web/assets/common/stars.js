// A star rating drawn as SVG: five stars filled to the rating (a half star shows half), for the
// storefront and the dashboard. The row is one image with a text alternative, so a screen reader
// hears "4.5 out of 5 stars" once instead of five symbols.

const SVG = "http://www.w3.org/2000/svg";
// Filled stars are amber, empty ones light grey with a darker edge; both keep 3:1 against white
// (WCAG's contrast for graphics) where it matters: the filled part and the edges.
const FILLED = "#b35900";
const EMPTY = "#e6e9ed";
const EDGE = "#6e7781";

function el(name, attributes = {}, text) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

// One star in a 20 × 20 cell: ten points alternating between an outer and an inner radius.
const STAR = Array.from({ length: 10 }, (_, i) => {
  const angle = (Math.PI / 5) * i - Math.PI / 2;
  const radius = i % 2 === 0 ? 9.5 : 4;
  return `${(10 + radius * Math.cos(angle)).toFixed(2)},${(10.6 + radius * Math.sin(angle)).toFixed(2)}`;
}).join(" ");

function row(fill, stroke) {
  const group = el("g", { fill, stroke, "stroke-width": 1, "stroke-linejoin": "round" });
  for (let i = 0; i < 5; i++) group.append(el("polygon", { points: STAR, transform: `translate(${i * 20} 0)` }));
  return group;
}

/** Five stars filled to `rating` (0 to 5) as one image named `label`; `size` is the height in px. */
export function stars(rating, label, { size = 18 } = {}) {
  const filled = Math.max(0, Math.min(5, Number(rating) || 0)) * 20;
  const svg = el("svg", { viewBox: "0 0 100 20", width: size * 5, height: size, role: "img", "aria-label": label, class: "stars" });
  svg.append(el("title", {}, label), row(EMPTY, EDGE));
  if (filled > 0) {
    // A nested <svg> clips what lies outside it: the filled row shows up to the rating.
    const clip = el("svg", { x: 0, y: 0, width: filled, height: 20, viewBox: `0 0 ${filled} 20`, "aria-hidden": "true" });
    clip.append(row(FILLED, FILLED));
    svg.append(clip);
  }
  return svg;
}
