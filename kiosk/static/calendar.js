// Whether a procedure can be taken now, from GET /api/calendar/now (the calendar part):
//   {open, opens_at, offered_procedure_ids: [ids] | null (= all), procedures_next_open: {"<id>": iso}}
// No calendar (404, or the part not installed) means everything is open.

export function availability(cal, procedureId) {
  if (!cal) return { open: true, next: null };
  const id = Number(procedureId);
  const offered = cal.offered_procedure_ids;
  const open = cal.open !== false && (!Array.isArray(offered) || offered.map(Number).includes(id));
  if (open) return { open: true, next: null };
  const next = (cal.procedures_next_open || {})[String(id)] || (cal.open === false ? cal.opens_at : null);
  return { open: false, next: next || null };
}
