// Keeps the console current without a reload: poll state.json, and when its revision differs
// from the page's, fetch the page again and swap its <main>. The server renders all of the HTML,
// so there is one renderer and this script only moves nodes.
"use strict";

(() => {
  const pollMillis = 1000;
  const live = document.getElementById("live");
  let revision = document.querySelector("main").dataset.revision;
  let changed = "";

  // The status line is a live region: it is rewritten only when what it says changes, so that a
  // screen reader is not interrupted every second.
  const say = (text) => {
    if (live.textContent !== text) {
      live.textContent = text;
    }
  };

  async function redraw() {
    const response = await fetch("./", { cache: "no-store" });
    if (!response.ok) {
      throw new Error(`the console answered ${response.status}`);
    }
    const next = new DOMParser().parseFromString(await response.text(), "text/html").querySelector("main");
    document.querySelector("main").replaceWith(document.adoptNode(next));
    revision = next.dataset.revision;
    changed = ` Last change seen at ${new Date().toISOString().slice(11, 19)} UTC.`;
  }

  async function poll() {
    try {
      const response = await fetch("state.json", { cache: "no-store" });
      if (!response.ok) {
        throw new Error(`state.json answered ${response.status}`);
      }
      const view = await response.json();
      if (view.revision !== revision) {
        await redraw();
      }
      say(`Read-only and live: the page follows the org as it changes.${changed}`);
    } catch {
      // The mock stopped or is restarting: say so rather than pass a stale page off as current.
      say("The mock org does not answer: this page shows the org as it last saw it. Retrying every second.");
    }
    setTimeout(poll, pollMillis);
  }

  setTimeout(poll, pollMillis);
})();
