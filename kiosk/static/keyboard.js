// A large on-screen keyboard for a touch kiosk with no physical keys: letters without tone marks (search folds
// them away anyway), digits, space and delete. Builds its buttons with textContent only.
import { t } from "./i18n.js";

const LETTERS = ["1234567890", "QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM"];

export class Keyboard {
  constructor(root, { onChange, maxLength = 40, space = true, upper = false }) {
    this.root = root;
    this.upper = upper;
    this.onChange = onChange;
    this.maxLength = maxLength;
    this.value = "";
    this.build(space);
  }

  build(space) {
    this.root.replaceChildren();
    for (const row of LETTERS) {
      const line = document.createElement("div");
      line.className = "key-row";
      for (const ch of row) line.append(this.key(ch, () => this.type(ch)));
      this.root.append(line);
    }
    const last = document.createElement("div");
    last.className = "key-row";
    if (space) last.append(this.key("", () => this.type(" "), "key wide-key", "key_space"));
    last.append(this.key("", () => this.erase(), "key wide-key", "key_delete"));
    last.append(this.key("", () => this.set(""), "key wide-key", "key_clear"));
    this.root.append(last);
  }

  key(label, action, cls = "key", textKey = null) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = cls;
    b.textContent = textKey ? t(textKey) : label;
    if (textKey) b.dataset.t = textKey;
    b.dataset.key = textKey || label;
    b.addEventListener("click", action);
    return b;
  }

  type(ch) {
    if (this.value.length < this.maxLength) this.set(this.value + (this.upper ? ch.toUpperCase() : ch.toLowerCase()));
  }

  erase() {
    this.set(this.value.slice(0, -1));
  }

  set(value) {
    this.value = value;
    this.onChange(value);
  }
}
