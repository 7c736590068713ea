// The review desk works without this file (forms post and redirect, images open in a tab).
// It adds: a full-size zoom, the rendition switch on each card, decisions that update one card
// instead of reloading the page, and live updates while runs are under way.
"use strict";

const $ = (sel, root = document) => root.querySelector(sel);

function openZoom(href, caption) {
  const dialog = $("#zoom");
  $("img", dialog).src = href;
  $(".zoom-caption", dialog).textContent = caption || "";
  dialog.showModal();
}

function parse(html) {
  return new DOMParser().parseFromString(html, "text/html");
}

function showFlashes(doc) {
  const target = $("#flashes");
  const found = doc.querySelectorAll(".flash");
  if (!target || !found.length) return;
  target.replaceChildren(...Array.from(found, (f) => document.importNode(f, true)));
  fadeFlashes();
}

// Good news fades after a while; an error stays until it is clicked away.
function fadeFlashes() {
  document.querySelectorAll("#flashes .flash:not(.flash-error)").forEach((flash) => {
    setTimeout(() => flash.classList.add("fading"), 8000);
    setTimeout(() => flash.remove(), 8500);
  });
}
fadeFlashes();

document.addEventListener("click", (event) => {
  const zoom = event.target.closest("a.zoomable");
  if (zoom && !event.ctrlKey && !event.metaKey) {
    event.preventDefault();
    openZoom(zoom.href, zoom.dataset.caption);
    return;
  }
  const chip = event.target.closest(".renditions .chip");
  if (chip && !event.ctrlKey && !event.metaKey) {
    event.preventDefault();
    const card = chip.closest(".card");
    const link = $(".frame a", card);
    const img = $("img", link);
    img.src = chip.dataset.thumb;
    img.width = chip.dataset.w;
    img.height = chip.dataset.h;
    link.href = chip.dataset.full;
    link.dataset.caption = chip.dataset.caption;
    card.querySelectorAll(".chip").forEach((c) => c.classList.toggle("active", c === chip));
    return;
  }
  if (event.target.matches("#zoom, #zoom img")) $("#zoom").close();
  if (event.target.closest("#flashes .flash")) event.target.closest(".flash").remove();
});

document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
    return;
  }
  if (!("inplace" in form.dataset)) return;
  const card = form.closest(".card");
  if (!card) return;
  event.preventDefault();
  const data = new FormData(form);
  // getAttribute: the form has a field named "action", which hides the form's own property.
  const target = form.getAttribute("action");
  data.set("next", `${target.replace(/\/decide$/, "/card")}?next=${encodeURIComponent(data.get("next") || "")}`);
  form.querySelectorAll("button").forEach((b) => (b.disabled = true));
  card.classList.add("busy");
  try {
    const response = await fetch(target, { method: "POST", body: data, credentials: "same-origin" });
    const doc = parse(await response.text());
    showFlashes(doc);
    const fresh = doc.querySelector(".card");
    if (fresh) card.replaceWith(document.importNode(fresh, true));
    else card.classList.remove("busy");
    if (fresh) refreshSummaries();
    // A request for changes launched a run: follow it until the new image is on the page.
    if (fresh && fresh.classList.contains("review-changes_requested")) live(true);
  } catch (error) {
    form.submit(); // let the browser do it the plain way
  }
});

// The parts of a page that sum up its cards: the campaign's head (state, tallies, the ZIPs, what
// each would hold and whether one is outdated), the filters' counts and the bulk button, the
// campaigns table, a creative's decisions. A decision made in place changes them too.
const SUMMARIES = ["#campaign-head", "nav.filters", "table.campaigns", "#decisions"];

function swapSummaries(doc) {
  for (const sel of SUMMARIES) {
    const fresh = doc.querySelector(sel);
    const old = document.querySelector(sel);
    if (fresh && old && !old.contains(document.activeElement)) old.replaceWith(document.importNode(fresh, true));
  }
}

async function refreshSummaries() {
  try {
    swapSummaries(parse(await (await fetch(location.href, { credentials: "same-origin" })).text()));
  } catch (error) {
    /* the numbers catch up at the next load */
  }
}

// While runs are under way, refresh the parts of the page that show them (one loop at a time;
// `force` starts it for a run launched from this page, before the page says one is under way).
let polling = false;
function live(force = false) {
  const marked = document.querySelector('[data-live="yes"]');
  if ((!marked && !force) || polling) return;
  polling = true;
  setTimeout(async () => {
    try {
      const doc = parse(await (await fetch(location.href, { credentials: "same-origin" })).text());
      swapSummaries(doc);
      const grid = $(".grid");
      const busy = grid && (grid.contains(document.activeElement) || grid.querySelector("details[open]"));
      const freshGrid = doc.querySelector(".grid");
      if (freshGrid && !busy) {
        if (grid) grid.replaceWith(document.importNode(freshGrid, true));
        else location.reload();
      }
    } catch (error) {
      /* the next round tries again */
    }
    polling = false;
    live();
  }, 4000);
}
live();
