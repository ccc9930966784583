// @ts-check
// Forget a workshop on this browser. A page carries data-forget="<CODE>" when the server knows
// this browser's place in that workshop is gone: the join page when the phone's cookie no longer
// admits it (its person was removed or left, or erased, while the phone was closed), the "not
// found" page of an erased workshop. Everything the phone kept for that workshop (outbox, drafts,
// the screen it was on) is cleared, as the phone itself does when it is told live.

import { workshopStore } from "./dom.js";

for (const holder of document.querySelectorAll("[data-forget]")) {
  if (!(holder instanceof HTMLElement)) continue;
  const code = holder.dataset.forget || "";
  if (/^[A-Z0-9]{4,16}$/.test(code)) workshopStore(code).clearAll();
}
