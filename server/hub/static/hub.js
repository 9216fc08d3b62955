// Sortable tables: click a header to sort by it (again to reverse). Values come from data-v.
"use strict";
document.querySelectorAll("table.sortable").forEach((table) => {
  const heads = Array.from(table.tHead.rows[0].cells);
  heads.forEach((th, col) => {
    th.tabIndex = 0;
    const sort = () => {
      const asc = th.getAttribute("aria-sort") !== "ascending";
      heads.forEach((h) => h.removeAttribute("aria-sort"));
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      const numeric = th.dataset.type === "num";
      const body = table.tBodies[0];
      const rows = Array.from(body.rows).filter((r) => r.cells.length === heads.length);
      const key = (r) => (numeric ? parseFloat(r.cells[col].dataset.v) || 0 : r.cells[col].dataset.v || "");
      rows.sort((a, b) => {
        const x = key(a), y = key(b);
        const c = numeric ? x - y : String(x).localeCompare(String(y), "vi");
        return asc ? c : -c;
      });
      rows.forEach((r) => body.appendChild(r));
    };
    th.addEventListener("click", sort);
    th.addEventListener("keydown", (e) => { if (e.key === "Enter") sort(); });
  });
});
// The dashboard refreshes itself every minute (the figures move with the centres' pushes).
if (document.getElementById("centres")) setTimeout(() => location.reload(), 60000);
