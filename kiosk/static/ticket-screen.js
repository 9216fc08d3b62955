// The ticket screen: the number in large type and what the printer did with it.
// The server answers a tap before printing (printing is queued); the printer's verdict arrives later as a live
// {"type":"printer"} message. Until it does the screen says "printing"; a printer that is offline, out of paper,
// failed, or silent for print_wait_s seconds turns into the large "tell the staff" notice with the number.
import { t, tIn } from "./i18n.js";

const BAD = new Set(["offline", "paper_out", "error", "missing"]);
const $ = (id) => document.getElementById(id);

export class TicketScreen {
  constructor({ printWaitS, onPrinterState }) {
    this.printWaitS = printWaitS;
    this.onPrinterState = onPrinterState;
    this.ticket = null;
    this.jobId = null;
    this.printStatus = "none"; // printing | printed | problem
    this.timer = null;
  }

  show(ticket) {
    this.ticket = ticket;
    const print = ticket.print || null;
    this.jobId = print && print.job_id;
    clearTimeout(this.timer);
    if (!print || !print.job_id || BAD.has(print.printer && print.printer.status)) {
      this.printStatus = "problem";
    } else {
      this.printStatus = "printing";
      this.timer = setTimeout(() => { if (this.printStatus === "printing") this.set("problem"); }, this.printWaitS * 1000);
    }
    if (print && print.printer) this.onPrinterState(print.printer);
    this.render();
  }

  // A {"type":"printer"} live message: the job we wait for settled, or our printer changed state.
  printerMessage(msg, myPrinter) {
    if (!this.ticket || this.printStatus !== "printing") return;
    if (msg.job && msg.job.id === this.jobId) {
      this.set(msg.job.status === "printed" ? "printed" : msg.job.status === "failed" ? "problem" : "printing");
    } else if (msg.printer && msg.printer.printer_id === myPrinter && BAD.has(msg.printer.status)) {
      this.set("problem");
    }
  }

  set(status) {
    this.printStatus = status;
    if (status !== "printing") clearTimeout(this.timer);
    this.render();
  }

  get hasProblem() {
    return this.printStatus === "problem";
  }

  render() {
    const tk = this.ticket;
    if (!tk) return;
    $("ticket-number").textContent = tk.number;
    const proc = tk.procedure || {};
    $("ticket-proc").textContent = (document.documentElement.lang === "en" && proc.name_en) || proc.name_vi || "";
    const prio = $("ticket-priority");
    prio.classList.toggle("hidden", !tk.priority_label);
    prio.textContent = tk.priority_label ? t("priority_label", { name: tk.priority_label }) : "";
    $("ticket-ahead").textContent = String(tk.waiting_ahead ?? 0);
    const wait = tk.estimated_wait_min;
    $("ticket-wait").textContent = wait > 0 ? t("minutes", { n: wait }) : t("very_soon");
    $("ticket-time").textContent = String(tk.issued_at || "").slice(11, 16);
    const qr = $("ticket-qr");
    if (tk.status_token) qr.src = `/t/${encodeURIComponent(tk.status_token)}/qr.png`;
    qr.alt = t("qr_hint");
    const problem = this.printStatus === "problem";
    $("print-problem").classList.toggle("hidden", !problem);
    $("print-problem-vi").textContent = tIn("vi", "print_problem", { n: tk.number });
    $("print-problem-en").textContent = tIn("en", "print_problem", { n: tk.number });
    const ok = $("print-ok");
    ok.classList.toggle("hidden", problem);
    ok.textContent = this.printStatus === "printed" ? t("printed") : t("printing");
    document.body.classList.toggle("print-problem-shown", problem);
  }
}
