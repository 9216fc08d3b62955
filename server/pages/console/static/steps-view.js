// Which button each step row shows: the one next action of the workflow is enabled, the rest wait.
// Steps run in order; the approval is asked for by the officer and given from the leader's screen.
export function stepActions(steps) {
  const out = {};
  const open = steps.find((s) => s.state === "open");
  const next = open ? null : steps.find((s) => s.state === "todo");
  for (const s of steps) {
    if (s.state === "done") continue;
    if (open && s.step === open.step) {
      out[s.step] = s.step === "approve"
        ? { action: null, disabled: true, vi: "Chờ lãnh đạo phê duyệt", en: "Waiting for the leader" }
        : { action: "end", primary: true, vi: "Hoàn thành", en: "Done" };
    } else if (next && s.step === next.step) {
      out[s.step] = s.step === "approve"
        ? { action: "start", primary: true, vi: "Trình phê duyệt", en: "Ask for approval" }
        : { action: "start", primary: true, vi: "Bắt đầu", en: "Start" };
    } else {
      out[s.step] = { action: null, disabled: true, vi: "Bắt đầu", en: "Start" };
    }
  }
  return out;
}
