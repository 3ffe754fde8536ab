/**
 * collect.js — "Draw for the data set": pick a word (category filter or random), draw it on an InkPad,
 * submit it to POST /api/v1/drawings, then thank the player and move to the next word.
 *
 * The CSRF token is read from <meta name="csrf-token"> and refreshed from the response's X-CSRF-Token
 * header (the first drawing may create a guest session, which has a token of its own).
 */
import { InkPad } from "/static/js/inkpad.js";

const categorySelect = document.getElementById("co-category");
const wordSelect = document.getElementById("co-word");
const prompt = document.getElementById("co-prompt");
const submit = document.getElementById("co-submit");
const thanks = document.getElementById("co-thanks");
const errorLine = document.getElementById("co-error");
const gallery = document.getElementById("co-gallery");
const meta = document.querySelector('meta[name="csrf-token"]');

let words = [];
let sending = false;

function showError(message) {
  errorLine.textContent = message;
  errorLine.hidden = !message;
}

function setWord(text) {
  wordSelect.value = text;
  prompt.textContent = text || "…";
  gallery.href = text ? `/words/${encodeURIComponent(text)}` : "#";
}

function randomWord(except) {
  const pool = words.filter((w) => w.text !== except);
  return pool.length ? pool[Math.floor(Math.random() * pool.length)].text : except || "";
}

async function loadWords(initial) {
  const slug = categorySelect.value;
  const res = await fetch(`/api/v1/words${slug ? `?category=${encodeURIComponent(slug)}` : ""}`);
  if (!res.ok) {
    showError("Could not load the words.");
    return;
  }
  words = await res.json();
  wordSelect.replaceChildren(...words.map((w) => new Option(w.text, w.text)));
  const wanted = initial && words.some((w) => w.text.toLowerCase() === initial.toLowerCase())
    ? words.find((w) => w.text.toLowerCase() === initial.toLowerCase()).text
    : randomWord();
  setWord(wanted);
}

const pad = new InkPad(document.getElementById("co-canvas"), {
  onStrokeEnd: refresh,
  onChange: refresh,
});

const MIN_POINTS = 5; // the server's minimum (services.collect): one dot is no drawing
const MIN_EXTENT = 10; // canvas pixels the drawing must span

function enoughInk() {
  const xs = pad.ink.flatMap((s) => s[0]);
  const ys = pad.ink.flatMap((s) => s[1]);
  if (xs.length < MIN_POINTS) return false;
  return Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)) >= MIN_EXTENT;
}

function refresh() {
  submit.disabled = sending || !enoughInk() || !wordSelect.value;
  if (!pad.isEmpty) thanks.hidden = true;
}

async function send() {
  if (!enoughInk() || !wordSelect.value || sending) return;
  sending = true;
  refresh();
  showError("");
  const word = wordSelect.value;
  try {
    const res = await fetch("/api/v1/drawings", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": meta?.content ?? "" },
      body: JSON.stringify({ word, ink: pad.ink }),
    });
    const token = res.headers.get("X-CSRF-Token");
    if (token && meta) meta.content = token;
    const data = await res.json().catch(() => ({}));
    if (!res.ok) {
      showError(typeof data.detail === "string" ? data.detail : `Not saved (${res.status}).`);
      return;
    }
    thanks.textContent = `Thank you! Your “${data.word}” (${data.stroke_count} strokes) is saved as drawing #${data.id}. Here is the next word.`;
    thanks.hidden = false;
    thanks.dataset.drawingId = data.id;
    pad.clear();
    setWord(randomWord(word));
  } catch {
    showError("Network error: the drawing was not saved. Try again.");
  } finally {
    sending = false;
    refresh();
  }
}

categorySelect.addEventListener("change", () => loadWords().then(refresh));
wordSelect.addEventListener("change", () => {
  setWord(wordSelect.value);
  pad.clear();
});
document.getElementById("co-random").addEventListener("click", () => {
  setWord(randomWord(wordSelect.value));
  pad.clear();
});
document.getElementById("co-undo").addEventListener("click", () => pad.undo());
document.getElementById("co-clear").addEventListener("click", () => pad.clear());
submit.addEventListener("click", send);

loadWords(wordSelect.dataset.initial).then(refresh);
window.inklingContribute = { pad };
