// Which button each step row shows (`text`: its key in the page's catalogue texts): the one next action of the workflow is enabled, the rest wait.
// Steps run in order; the approval is asked for by the officer and given from the leader's screen.
export function stepActions(steps) {
  const out = {};
  const open = steps.find((s) => s.state === "open");
  const next = open ? null : steps.find((s) => s.state === "todo");
  for (const s of steps) {
    if (s.state === "done") continue;
    if (open && s.step === open.step) {
      out[s.step] = s.step === "approve"
        ? { action: null, disabled: true, text: "step_waiting_leader" }
        : { action: "end", primary: true, text: "step_end" };
    } else if (next && s.step === next.step) {
      out[s.step] = s.step === "approve"
        ? { action: "start", primary: true, text: "step_ask_approval" }
        : { action: "start", primary: true, text: "step_start" };
    } else {
      out[s.step] = { action: null, disabled: true, text: "step_start" };
    }
  }
  return out;
}
