// The review page: keyboard shortcuts, and a selection in the text as the quote of a new statement.
// A plain module of ours (no framework, no build step); the page works without it, only less quickly.

const text = document.getElementById("doctext");
const cards = [...document.querySelectorAll("article.cand-card")];
let current = -1;

function typing(target) {
  return target instanceof HTMLElement && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
}

function focusCard(index) {
  if (!cards.length) return;
  current = Math.max(0, Math.min(cards.length - 1, index));
  cards.forEach((card, i) => card.classList.toggle("current", i === current));
  const card = cards[current];
  card.focus({ preventScroll: true });
  card.scrollIntoView({ block: "nearest" });
  document.querySelectorAll("#doctext .cand").forEach((span) => {
    const ids = (span.dataset.cands || "").split(" ");
    span.classList.toggle("current", ids.includes(card.dataset.id));
  });
}

document.addEventListener("keydown", (event) => {
  if (typing(event.target) || event.ctrlKey || event.metaKey || event.altKey || !cards.length) return;
  const card = cards[current];
  if (event.key === "j" || event.key === "n") focusCard(current + 1);
  else if (event.key === "k" || event.key === "p") focusCard(current - 1);
  else if (event.key === "a" && card) card.querySelector("form.accept-form")?.requestSubmit();
  else if (event.key === "r" && card) card.querySelector("input.reason")?.focus();
  else if (event.key === "c" && card) {
    const details = card.querySelector("details.correct");
    if (details) { details.open = true; details.querySelector("input, select")?.focus(); }
  } else return;
  event.preventDefault();
});

cards.forEach((card, i) => card.addEventListener("click", () => { if (current !== i) focusCard(i); }));
if (text) {
  text.addEventListener("click", (event) => {
    const ids = event.target instanceof HTMLElement ? (event.target.dataset.cands || "").split(" ") : [];
    const index = cards.findIndex((card) => ids.includes(card.dataset.id));
    if (index >= 0 && String(window.getSelection() || "") === "") focusCard(index);
  });
}

// Offsets in code points, as the build counts them (JavaScript strings count UTF-16 units).
function codePoints(s) { return [...s].length; }

function selectionInText() {
  const selection = window.getSelection();
  if (!text || !selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
  const range = selection.getRangeAt(0);
  if (!text.contains(range.startContainer) || !text.contains(range.endContainer)) return null;
  const before = document.createRange();
  before.setStart(text, 0);
  before.setEnd(range.startContainer, range.startOffset);
  const quote = range.toString();
  const start = codePoints(before.toString());
  return { quote, start, end: start + codePoints(quote) };
}

const quoteBox = document.getElementById("new-quote");
const startBox = document.getElementById("new-start");
const where = document.getElementById("new-where");
if (text && quoteBox && startBox) {
  text.addEventListener("mouseup", () => {
    const found = selectionInText();
    if (!found || !found.quote.trim()) return;
    quoteBox.value = found.quote;
    startBox.value = String(found.start);
    if (where) where.textContent = `characters ${found.start}–${found.end} of the text`;
  });
  // Typing a quote by hand: the server finds it (and asks for a selection when it occurs twice).
  quoteBox.addEventListener("input", () => { startBox.value = ""; if (where) where.textContent = ""; });
}

// The first open candidate is the current one, so the keys work at once (not after an error: read it first).
if (cards.length && !document.getElementById("message")) focusCard(0);
