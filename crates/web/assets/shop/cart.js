// The cart, kept in localStorage: one line per item with its quantity, the price shown, and the
// page whose recommendation it came from (so its purchase event says so).

const KEY = "aisle.shop.cart";
const listeners = new Set();

/** The cart's lines: [{id, title, brand, categories, price, currency, quantity, recommendedOn}]. */
export function lines() {
  try {
    const stored = JSON.parse(localStorage.getItem(KEY) ?? "[]");
    return Array.isArray(stored) ? stored.filter((l) => l && typeof l.id === "string" && l.quantity > 0) : [];
  } catch {
    return [];
  }
}

function save(next) {
  localStorage.setItem(KEY, JSON.stringify(next));
  for (const listener of listeners) listener();
}

export function onChange(listener) {
  listeners.add(listener);
}

export function count() {
  return lines().reduce((sum, l) => sum + l.quantity, 0);
}

/** Adds one of `item`; `recommendedOn` is remembered when the line is new or had none. */
export function add(item, recommendedOn) {
  const next = lines();
  const line = next.find((l) => l.id === item.id);
  if (line) {
    line.quantity += 1;
    line.recommendedOn ||= recommendedOn || null;
  } else {
    next.push({
      id: item.id, title: item.title, brand: item.brand ?? null, categories: item.categories ?? [],
      price: item.price ?? null, currency: item.currency ?? null, quantity: 1, recommendedOn: recommendedOn || null,
    });
  }
  save(next);
}

export function setQuantity(id, quantity) {
  const q = Math.max(1, Math.min(99, Math.floor(Number(quantity)) || 1));
  save(lines().map((l) => (l.id === id ? { ...l, quantity: q } : l)));
}

export function remove(id) {
  save(lines().filter((l) => l.id !== id));
}

export function clear() {
  save([]);
}
