// Vietnamese procedure search without diacritics: the same rules as kiosk/search.py (read its docstring).
// tests/test_kiosk_search.py runs the same cases against both, so change them together.

const WORD = /[0-9a-z]+/g;

export function fold(text) {
  const bare = String(text).normalize("NFD").replace(/\p{M}/gu, "").replace(/đ/g, "d").replace(/Đ/g, "D");
  return bare.toLowerCase().split(/\s+/).filter(Boolean).join(" ");
}

export function haystack(item) {
  const parts = [item.name_vi, item.name_en, item.keywords, item.code].filter((p) => p);
  return fold(parts.join(" "));
}

export function score(query, item) {
  const words = fold(query).split(" ").filter(Boolean);
  if (!words.length) return null;
  const hay = haystack(item);
  const starts = hay.match(WORD) || [];
  let total = 0;
  for (const word of words) {
    if (starts.some((s) => s.startsWith(word))) total += 2;
    else if (hay.includes(word)) total += 1;
    else return null;
  }
  const name = fold(item.name_vi || "");
  const phrase = words.join(" ");
  if (name.startsWith(phrase)) total += 20;
  else if (name.includes(phrase)) total += 10;
  return total;
}

export function search(query, items) {
  const scored = [];
  items.forEach((item, i) => {
    const s = score(query, item);
    if (s !== null) scored.push([s, i, item]);
  });
  scored.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  return scored.map((row) => row[2]);
}
