// Progressive enhancement for Pulse's pages: everything works without this
// file; with it, copy buttons copy, and the connection page updates itself.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  for (const btn of document.querySelectorAll("[data-copy]")) {
    btn.hidden = false;
    btn.addEventListener("click", async () => {
      const src = document.getElementById(btn.dataset.copy);
      if (!src) return;
      const text = src.value !== undefined && src.tagName !== "PRE" && src.tagName !== "CODE" ? src.value : src.textContent;
      try {
        await navigator.clipboard.writeText(text);
      } catch {
        // Without clipboard permission, select the text so Ctrl+C works.
        const range = document.createRange();
        range.selectNodeContents(src);
        const sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
      }
      const done = btn.dataset.copied;
      if (done) {
        const label = btn.textContent;
        btn.textContent = done;
        setTimeout(() => { btn.textContent = label; }, 2000);
      }
    });
  }

  const live = document.querySelector("[data-poll]");
  if (live) poll(live);
});

// poll refreshes the live connection status every few seconds by asking the
// server for the same fragment the page was rendered with.
async function poll(el) {
  const url = el.dataset.poll;
  const every = Number(el.dataset.every || 3000);
  for (;;) {
    await new Promise((r) => setTimeout(r, every));
    if (document.hidden) continue;
    try {
      const res = await fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" });
      if (!res.ok) continue;
      const html = await res.text();
      const doc = new DOMParser().parseFromString(html, "text/html");
      const fresh = doc.querySelector("[data-live]");
      if (fresh) el.replaceChildren(...fresh.childNodes);
    } catch {
      // Offline for a moment: the next round tries again.
    }
  }
}
