// Kiosk texts, Vietnamese first, from the server's one catalogue (server/messages/kiosk.py): the page carries
// them in <script type="application/json" id="texts">. Elements with data-t="key" get their text from here on
// every language switch; `t(key, params)` fills {placeholders}.

export const TEXTS = JSON.parse(document.getElementById("texts").textContent);

let lang = "vi";

export function setLang(value) {
  lang = value === "en" ? "en" : "vi";
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll("[data-t]")) el.textContent = t(el.dataset.t);
}

export function getLang() {
  return lang;
}

export function t(key, params = {}) {
  return tIn(lang, key, params);
}

// The text in a given language, whatever the page shows (the printer problem is said in both).
export function tIn(language, key, params = {}) {
  const pair = TEXTS[key];
  if (!pair) return key;
  return pair[language === "en" ? 1 : 0].replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ""));
}

// A catalogue row's name in the current language (rows carry name_vi and name_en).
export function nameOf(row) {
  return (lang === "en" && row.name_en) || row.name_vi;
}
