// The game page: start rounds, draw on an InkPad, send the ink after every stroke and every ~250 ms
// while drawing (POST /api/v1/rounds/{id}/ink), show "I see… cat? or fox?", optionally speak it, end the
// round when the model names the word or time runs out (POST /api/v1/rounds/{id}/finish), then the next.
// The server's clock decides: the local timer only shows the time left that the server reported.
import { InkPad } from "./inkpad.js";

const $ = (id) => document.getElementById(id);
const root = $("game");
const game = JSON.parse(root.dataset.game);
const csrf = document.querySelector('meta[name="csrf-token"]')?.content || "";
const SPEAK_KEY = "inkling.speak";
const TICK_MS = 250;

let round = null; // {id, word, number}
let deadline = 0; // performance.now() when time is up
let timer = null;
let inFlight = false;
let pending = false; // ink changed while a request was in flight
let recognised = false;
let closed = false;
let lastPhrase = "";

const pad = new InkPad($("pad"), {
  tickMs: TICK_MS,
  onStrokeEnd: () => send(),
  onTick: () => send(),
  onStrokeStart: () => hide($("word-card")),
});
pad.disable();

function show(el) {
  el.hidden = false;
}
function hide(el) {
  el.hidden = true;
}

function error(message) {
  const el = $("game-error");
  el.textContent = message;
  el.hidden = !message;
}

async function api(path, body) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const err = new Error(typeof data.detail === "string" ? data.detail : `HTTP ${response.status}`);
    err.status = response.status;
    throw err;
  }
  return data;
}

// --- speech --------------------------------------------------------------------------------------

function speechOn() {
  try {
    return localStorage.getItem(SPEAK_KEY) === "1";
  } catch {
    return false;
  }
}

function say(text) {
  if (!$("speak").checked || !text) return;
  try {
    const synth = window.speechSynthesis;
    if (!synth || typeof SpeechSynthesisUtterance !== "function") return;
    synth.cancel();
    synth.speak(new SpeechSynthesisUtterance(text.replace("…", ",")));
  } catch {
    /* no speech here: the line on screen is enough */
  }
}

$("speak").checked = speechOn();
$("speak").addEventListener("change", (event) => {
  try {
    localStorage.setItem(SPEAK_KEY, event.target.checked ? "1" : "0");
  } catch {
    /* private mode: not remembered */
  }
  if (!event.target.checked) {
    try {
      window.speechSynthesis?.cancel();
    } catch {
      /* nothing to stop */
    }
  }
});

function phrase(text) {
  $("guess-line").textContent = text;
  if (text !== lastPhrase) say(text);
  lastPhrase = text;
}

// --- timer ---------------------------------------------------------------------------------------

function startTimer(remainingMs, limitMs) {
  deadline = performance.now() + remainingMs;
  clearInterval(timer);
  const tick = () => {
    const left = Math.max(0, deadline - performance.now());
    $("timer-fill").style.width = `${(100 * left) / limitMs}%`;
    $("timer-text").textContent = Math.ceil(left / 1000);
    if (left <= 0) {
      clearInterval(timer);
      timer = null;
      if (!closed) finish("time");
    }
  };
  tick();
  timer = setInterval(tick, 100);
}

// --- rounds --------------------------------------------------------------------------------------

function begin(current, remainingMs, limitMs) {
  round = current;
  recognised = false;
  closed = false;
  lastPhrase = "";
  pad.clear();
  $("round-number").textContent = current.number;
  $("word").textContent = current.word;
  $("draw-word").textContent = current.word;
  $("word-label").textContent = "Draw:";
  hide($("start"));
  show($("got-it"));
  show($("word-card"));
  hide($("round-end"));
  hide($("finish-now"));
  show($("give-up"));
  $("guess-line").textContent = "…";
  pad.enable();
  startTimer(remainingMs, limitMs);
}

async function startRound() {
  error("");
  $("start").disabled = true;
  try {
    const started = await api(`/api/v1/games/${game.id}/rounds`);
    begin({ id: started.id, word: started.word, number: started.number }, started.time_limit_ms, started.time_limit_ms);
  } catch (err) {
    error(err.message);
  } finally {
    $("start").disabled = false;
  }
}

async function send() {
  if (!round || closed) return;
  if (inFlight) {
    pending = true;
    return;
  }
  inFlight = true;
  pending = false;
  const id = round.id;
  try {
    const answer = await api(`/api/v1/rounds/${id}/ink`, { ink: pad.ink, clock_ms: pad.elapsedMs() });
    if (!round || round.id !== id || closed) return;
    onAnswer(answer);
  } catch (err) {
    if (err.status === 409) closed = true;
    else error(err.message);
  } finally {
    inFlight = false;
    if (pending && !closed) send();
  }
}

function onAnswer(answer) {
  if (answer.outcome === "recognised" && !recognised) {
    recognised = true;
    phrase(`Oh I know, it's ${round.word}!`);
    endPanel(`Oh I know, it's ${round.word}!`, "You can keep drawing, or go on.", true);
    return;
  }
  if (answer.closed) {
    closed = true;
    ended(answer.result);
    return;
  }
  if (!recognised) phrase(answer.live.phrase);
}

function endPanel(text, detail, canKeepDrawing) {
  $("round-end-text").textContent = text;
  $("round-end-detail").textContent = detail;
  $("keep-drawing").hidden = !canKeepDrawing;
  $("next").textContent = round && round.number >= game.rounds_total ? "See the results" : "Next";
  show($("round-end"));
}

function ended(result) {
  clearInterval(timer);
  timer = null;
  pad.disable();
  hide($("give-up"));
  hide($("finish-now"));
  game.score = (game.score || 0) + (result ? result.points : 0);
  $("score").textContent = game.score;
  if (result && result.recognized) {
    endPanel(`Oh I know, it's ${round.word}!`, `${result.points} points.`, false);
  } else {
    phrase("Sorry, I couldn't guess it");
    const said = result && result.said.length ? `I thought: ${result.said.join(", ")}.` : "";
    endPanel("Sorry, I couldn't guess it", said, false);
  }
}

async function finish(reason) {
  if (!round || closed) return;
  closed = true;
  pad.disable();
  clearInterval(timer);
  timer = null;
  try {
    const result = await api(`/api/v1/rounds/${round.id}/finish`, { ink: pad.ink, clock_ms: pad.elapsedMs() });
    ended(result);
  } catch (err) {
    if (err.status === 409) ended(null);
    else error(err.message);
  }
  return reason;
}

async function next() {
  hide($("round-end"));
  if (!closed) await finish("next");
  hide($("round-end"));
  if (round && round.number >= game.rounds_total) {
    window.location.assign(`/games/${game.id}`);
    return;
  }
  await startRound();
}

$("start").addEventListener("click", startRound);
$("got-it").addEventListener("click", () => hide($("word-card")));
$("give-up").addEventListener("click", () => finish("give-up"));
$("finish-now").addEventListener("click", next);
$("next").addEventListener("click", next);
$("keep-drawing").addEventListener("click", () => {
  hide($("round-end"));
  hide($("give-up"));
  show($("finish-now"));
});
$("undo").addEventListener("click", () => {
  pad.undo();
  send();
});
$("clear").addEventListener("click", () => {
  pad.clear();
  send();
});

// resume an open round after a reload, or offer the next one
if (game.current) {
  const number = game.rounds.length;
  begin({ id: game.current.id, word: game.current.word, number }, game.current.remaining_ms, 20000);
  hide($("word-card"));
} else {
  $("round-number").textContent = Math.min(game.rounds.length + 1, game.rounds_total);
  $("start").textContent = game.rounds.length ? `Start round ${game.rounds.length + 1}` : "Start";
}
