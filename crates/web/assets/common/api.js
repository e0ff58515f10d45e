// How the dashboard and the storefront read an API answer: JSON, or a problem document whose
// `detail` becomes the message of an ApiError. Each page keeps its own fetch (keys, caching).

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

/** The JSON of `response` (null when empty or not JSON); an ApiError when it is not ok. */
export async function answer(response) {
  const text = await response.text();
  let value = null;
  try { value = text ? JSON.parse(text) : null; } catch { value = null; }
  if (!response.ok) throw new ApiError(response.status, value?.detail ?? `${response.status} ${response.statusText}`);
  return value;
}
