// Whether a procedure can be taken now, from GET /api/calendar/now (built by the calendar part).
// No calendar (404) means everything is open. The reader is deliberately tolerant of the answer's shape:
//   {open, opens_at | next_open, procedures: [{id | procedure_id, open | offered, next_open | opens_at}]}
//   {open, offered_procedure_ids: [ids] | null (= all), next_open_for | next_opening: {id: iso}}

function idOf(row) {
  return Number(row.id ?? row.procedure_id);
}

export function availability(cal, procedureId) {
  if (!cal) return { open: true, next: null };
  const id = Number(procedureId);
  const officeNext = cal.opens_at || cal.next_open || null;
  if (Array.isArray(cal.procedures)) {
    const row = cal.procedures.find((r) => idOf(r) === id);
    if (row) {
      const open = row.open ?? row.offered ?? row.offered_now ?? true;
      return { open: Boolean(open), next: open ? null : row.next_open || row.opens_at || row.next_opening || null };
    }
  }
  if (cal.open === false) return { open: false, next: nextFor(cal, id) || officeNext };
  const offered = cal.offered_procedure_ids ?? cal.offered ?? cal.procedure_ids ?? null;
  if (Array.isArray(offered) && !offered.map(Number).includes(id)) return { open: false, next: nextFor(cal, id) };
  return { open: true, next: null };
}

function nextFor(cal, id) {
  const map = cal.next_open_for || cal.next_opening || (cal.procedures && !Array.isArray(cal.procedures) ? cal.procedures : null);
  if (!map || typeof map !== "object") return null;
  const value = map[id] ?? map[String(id)];
  return typeof value === "string" ? value : (value && (value.next_open || value.opens_at)) || null;
}
