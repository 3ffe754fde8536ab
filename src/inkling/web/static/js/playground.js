/**
 * playground.js — "What is this?": draw on an InkPad and show the model's top 10 as live bars.
 *
 * Sends the ink to POST /api/v1/doodles/guess (top=10) after every stroke and every ~250 ms while a
 * stroke is in progress; at most one request is in flight, and a newer drawing always wins (answers to
 * older ink are dropped). The model list comes from GET /api/v1/models?task=doodle.
 */
import { InkPad } from "/static/js/inkpad.js";

const TOP = 10;
const canvas = document.getElementById("pg-canvas");
const bars = document.getElementById("pg-bars");
const statusLine = document.getElementById("pg-status");
const errorLine = document.getElementById("pg-error");
const modelSelect = document.getElementById("pg-model");

let sent = 0; // sequence number of the latest request sent
let shown = 0; // sequence number of the answer on screen
let inFlight = false;
let pending = null; // ink waiting for the request in flight to finish

function csrfToken() {
  return document.querySelector('meta[name="csrf-token"]')?.content ?? "";
}

function showError(message) {
  errorLine.textContent = message;
  errorLine.hidden = !message;
}

function render(guesses) {
  const items = bars.querySelectorAll("li");
  const best = guesses.length ? guesses[0].probability : 0;
  items.forEach((li, i) => {
    const g = guesses[i];
    li.dataset.word = g ? g.word : "";
    li.classList.toggle("best", i === 0 && !!g);
    li.querySelector(".prob-label").textContent = g ? g.word : "—";
    li.querySelector(".prob-fill").style.width = g ? `${(g.probability * 100).toFixed(1)}%` : "0%";
    li.querySelector(".prob-value").textContent = g ? `${(g.probability * 100).toFixed(1)}%` : "";
    li.title = g ? `${g.word}: ${(g.probability * 100).toFixed(1)} %` : "";
  });
  bars.dataset.best = best;
}

async function send(ink) {
  if (inFlight) {
    pending = ink;
    return;
  }
  inFlight = true;
  const seq = ++sent;
  const body = { ink, top: TOP };
  if (modelSelect.value) body.model = modelSelect.value;
  try {
    const res = await fetch("/api/v1/doodles/guess", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken() },
      body: JSON.stringify(body),
    });
    const data = await res.json().catch(() => ({}));
    if (!res.ok) {
      showError(typeof data.detail === "string" ? data.detail : `The model could not answer (${res.status}).`);
    } else if (seq > shown) {
      shown = seq;
      showError("");
      render(data.guesses || []);
      bars.dataset.updates = String(Number(bars.dataset.updates || 0) + 1);
      statusLine.textContent = ink.length
        ? `${data.model} · ${ink.length} stroke${ink.length === 1 ? "" : "s"} · ${Math.round(data.elapsed_ms)} ms`
        : "Draw something to start.";
    }
  } catch (err) {
    showError("Network error: the guess did not reach the server.");
  } finally {
    inFlight = false;
    if (pending !== null) {
      const next = pending;
      pending = null;
      send(next);
    }
  }
}

function update(ink) {
  if (!ink.length) {
    pending = null;
    shown = ++sent; // drop answers still on their way
    render([]);
    statusLine.textContent = "Draw something to start.";
    return;
  }
  send(ink);
}

const pad = new InkPad(canvas, { onStrokeEnd: update, onTick: update, onChange: update, tickMs: 250 });
document.getElementById("pg-undo").addEventListener("click", () => pad.undo());
document.getElementById("pg-clear").addEventListener("click", () => pad.clear());
modelSelect.addEventListener("change", () => update(pad.ink));

async function loadModels() {
  try {
    const res = await fetch("/api/v1/models?task=doodle");
    if (!res.ok) return;
    const models = await res.json();
    const chosen = modelSelect.value;
    const names = new Map();
    for (const m of models) {
      if (!m.active && !names.has(m.name) && !models.some((o) => o.active && o.name === m.name)) names.set(m.name, m);
    }
    modelSelect.replaceChildren(new Option("All words (active model)", ""));
    for (const [name, m] of names) modelSelect.add(new Option(`${name} — ${m.classes} words`, name));
    modelSelect.value = [...modelSelect.options].some((o) => o.value === chosen) ? chosen : "";
    const active = models.find((m) => m.active);
    if (active) modelSelect.options[0].textContent = `All ${active.classes} words (${active.label})`;
  } catch {
    /* keep the server-rendered list */
  }
}

loadModels();
window.inklingPlayground = { pad }; // for tests and the console
