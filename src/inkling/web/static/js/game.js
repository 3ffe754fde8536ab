// The game page. Each round: show the word card (POST /api/v1/games/{id}/rounds: the round is "shown",
// no clock yet), start the 20 s clock when the player is ready — "Got it!", any key, or simply drawing
// on the card, whose first stroke counts (POST /api/v1/rounds/{id}/begin) — then send the ink after
// every stroke and every ~250 ms while drawing (POST .../ink), show "I see… cat? or fox?", optionally
// speak it, and end the round when the model names the word (a short countdown once the pen is up, then
// the next round, unless the player keeps drawing), when time runs out, or on "Give up" (POST .../finish).
// The server's clock decides: the local timer only shows the time left that the server reported.
import { InkPad } from "./inkpad.js";
import { Speaker } from "./speech.js";

const $ = (id) => document.getElementById(id);
const root = $("game");
const game = JSON.parse(root.dataset.game);
const csrf = document.querySelector('meta[name="csrf-token"]')?.content || "";
const SPEAK_KEY = "inkling.speak";
const TICK_MS = 250;
const LIMIT_MS = (game.rounds[0]?.time_limit_ms || 20000);
const NEXT_IN_S = 3; // the countdown after "Oh I know, it's X!"
const NOT_A_START = new Set(["Tab", "Shift", "Control", "Alt", "Meta", "CapsLock", "Escape"]);

let round = null; // {id, word, number}
let phase = "idle"; // idle | shown | drawing | closed
let beginning = null; // the begin request, awaited before any ink is sent
let deadline = 0; // performance.now() when time is up
let timer = null;
let countdown = null; // the interval of the countdown to the next round
let countdownLeft = 0; // seconds
let advancing = false; // next() is moving on to the next round
let inFlight = false;
let pending = false; // ink changed while a request was in flight
let recognised = false;
let scored = 0; // points of this round already added to the score

const voice = new Speaker();
const TAP_PX = 6; // a press on "Got it!" that moves less than this is a click, not a stroke
let fromButton = false; // the stroke in progress began on the "Got it!" button

const pad = new InkPad($("pad"), {
  tickMs: TICK_MS,
  onStrokeStart: () => {
    if (phase === "shown") begin(); // drawing on the card dismisses it: this stroke counts
    if (countdown) countdownLeft = NEXT_IN_S; // still drawing: the next word waits for the pen to rest
  },
  onStrokeEnd: (ink) => {
    const started = fromButton;
    fromButton = false;
    if (started && isTap(ink.at(-1))) {
      pad.undo(); // a click on "Got it!": no dot left behind
      return;
    }
    send();
  },
  onTick: () => send(),
});
pad.disable();

const show = (el) => (el.hidden = false);
const hide = (el) => (el.hidden = true);

function isTap(stroke) {
  if (!stroke) return false;
  const [xs, ys] = stroke;
  return Math.max(...xs) - Math.min(...xs) < TAP_PX && Math.max(...ys) - Math.min(...ys) < TAP_PX;
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
    const err = new Error(typeof data.detail === "string" ? data.detail : `The server answered ${response.status}.`);
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

$("speak").checked = speechOn();
voice.enabled = $("speak").checked;
$("speak").addEventListener("change", (event) => {
  voice.enabled = event.target.checked;
  try {
    localStorage.setItem(SPEAK_KEY, event.target.checked ? "1" : "0");
  } catch {
    /* private mode: not remembered */
  }
});

function phrase(text) {
  $("guess-line").textContent = text;
}

// --- timer ---------------------------------------------------------------------------------------

function showTime(leftMs) {
  $("timer-fill").style.width = `${(100 * leftMs) / LIMIT_MS}%`;
  $("timer-text").textContent = Math.ceil(leftMs / 1000);
}

function startTimer(remainingMs) {
  deadline = performance.now() + remainingMs;
  clearInterval(timer);
  const tick = () => {
    const left = Math.max(0, deadline - performance.now());
    showTime(left);
    if (left <= 0) {
      clearInterval(timer);
      timer = null;
      if (phase === "drawing") finish();
    }
  };
  tick();
  timer = setInterval(tick, 100);
}

function stopTimer() {
  clearInterval(timer);
  timer = null;
}

// --- rounds --------------------------------------------------------------------------------------

function showCard(current) {
  round = current;
  phase = "shown";
  recognised = false;
  scored = 0;
  beginning = null;
  voice.reset();
  pad.clear();
  pad.enable(); // a stroke on the card begins the round
  $("round-number").textContent = current.number;
  $("word").textContent = current.word;
  $("draw-word").textContent = current.word;
  $("word-label").textContent = "Draw:";
  show($("got-it"));
  show($("word-tip"));
  hide($("start"));
  show($("word-card"));
  hide($("draw-word-box"));
  hide($("game-actions"));
  hide($("round-end"));
  hide($("finish-now"));
  show($("give-up"));
  phrase("…");
  showTime(LIMIT_MS);
  $("got-it").focus({ preventScroll: true });
}

function drawing() {
  phase = "drawing";
  hide($("word-card"));
  show($("draw-word-box"));
  show($("game-actions"));
}

function begin() {
  if (phase !== "shown") return beginning;
  drawing();
  const id = round.id;
  beginning = api(`/api/v1/rounds/${id}/begin`)
    .then((clock) => {
      if (round && round.id === id && phase === "drawing") startTimer(clock.remaining_ms);
    })
    .catch((err) => {
      if (err.status === 409) phase = "closed";
      else error(err.message);
    });
  return beginning;
}

async function startRound() {
  error("");
  phase = "idle";
  try {
    const shown = await api(`/api/v1/games/${game.id}/rounds`);
    showCard({ id: shown.id, word: shown.word, number: shown.number });
  } catch (err) {
    $("word-label").textContent = "No word yet.";
    show($("start"));
    error(err.message);
  }
}

async function send() {
  if (!round || phase !== "drawing") return;
  if (inFlight) {
    pending = true;
    return;
  }
  inFlight = true;
  pending = false;
  const id = round.id;
  try {
    await beginning;
    const answer = await api(`/api/v1/rounds/${id}/ink`, { ink: pad.ink, clock_ms: pad.elapsedMs() });
    if (round && round.id === id && phase === "drawing") onAnswer(answer);
  } catch (err) {
    if (err.status === 409) phase = "closed";
    else error(err.message);
  } finally {
    inFlight = false;
    if (pending && phase === "drawing") send();
  }
}

function addScore(points) {
  game.score = (game.score || 0) + points - scored;
  scored = points;
  $("score").textContent = game.score;
}

function onAnswer(answer) {
  if (answer.recognized && !recognised) {
    recognised = true;
    addScore(answer.points); // the score moves the moment the word is recognised
    phrase(`Oh I know, it's ${round.word}!`);
    voice.win(round.word);
    endPanel(`Oh I know, it's ${round.word}!`, `+${answer.points} points.`, true);
    startCountdown();
    return;
  }
  if (answer.closed) {
    ended(answer.result);
    return;
  }
  if (!recognised) {
    phrase(answer.live.phrase);
    if (answer.live.confident) voice.guess(answer.live.words[0]);
  }
}

function lastRound() {
  return round && round.number >= game.rounds_total;
}

function endPanel(text, detail, canKeepDrawing) {
  $("round-end-text").textContent = text;
  $("round-end-detail").textContent = detail;
  $("keep-drawing").hidden = !canKeepDrawing;
  $("next").textContent = lastRound() ? "See the results" : "Next";
  show($("round-end"));
}

// Counts down to the next round; a stroke in progress holds it (the next word card must never come up
// under a pen that is still finishing the last drawing, or its strokes would begin the next round).
function startCountdown() {
  countdownLeft = NEXT_IN_S;
  const detail = $("round-end-detail");
  const base = detail.textContent;
  const tick = () => {
    if (pad.drawing) countdownLeft = NEXT_IN_S;
    detail.textContent = `${base} ${lastRound() ? "Results" : "Next drawing"} in ${countdownLeft}…`;
    if (countdownLeft <= 0) {
      stopCountdown();
      next();
      return;
    }
    countdownLeft -= 1;
  };
  stopCountdown();
  tick();
  countdown = setInterval(tick, 1000);
}

function stopCountdown() {
  clearInterval(countdown);
  countdown = null;
}

function ended(result, quiet = false) {
  phase = "closed";
  stopTimer();
  pad.disable();
  hide($("game-actions"));
  if (result) addScore(result.points);
  if (quiet) return; // moving on to the next round already
  if (result && result.recognized) {
    if (!$("round-end").hidden && countdown) return; // the countdown already runs
    endPanel(`Oh I know, it's ${round.word}!`, `${result.points} points.`, false);
    startCountdown();
  } else {
    phrase("Sorry, I couldn't guess it");
    voice.say("Sorry, I couldn't guess it");
    const said = result && result.said.length ? `I thought: ${result.said.join(", ")}.` : "";
    endPanel("Sorry, I couldn't guess it", said, false);
  }
  $("next").focus({ preventScroll: true });
}

async function finish(quiet = false) {
  if (!round || phase !== "drawing") return;
  phase = "closed";
  pad.disable();
  stopTimer();
  try {
    await beginning;
    const result = await api(`/api/v1/rounds/${round.id}/finish`, { ink: pad.ink, clock_ms: pad.elapsedMs() });
    ended(result, quiet);
  } catch (err) {
    if (err.status === 409) ended(null, quiet);
    else error(err.message);
  }
}

async function next() {
  if (advancing) return; // "Next" pressed as the countdown ran out: move on once
  advancing = true;
  try {
    stopCountdown();
    hide($("round-end"));
    if (phase === "drawing") await finish(true);
    if (lastRound()) {
      window.location.assign(`/games/${game.id}`);
      return;
    }
    await startRound();
  } finally {
    advancing = false;
  }
}

$("start").addEventListener("click", startRound);
$("got-it").addEventListener("click", () => begin()); // the keyboard, or a click the pad did not take
$("got-it").addEventListener("pointerdown", (event) => {
  fromButton = true; // a stroke may start on the button: the canvas below takes it over
  pad.adopt(event);
  if (!pad.drawing) fromButton = false;
});
document.addEventListener("keydown", (event) => {
  if (phase !== "shown" || NOT_A_START.has(event.key) || event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.target instanceof HTMLInputElement) return; // e.g. the speech checkbox
  event.preventDefault();
  begin();
});
$("give-up").addEventListener("click", () => finish(false));
$("finish-now").addEventListener("click", next);
$("next").addEventListener("click", next);
$("keep-drawing").addEventListener("click", () => {
  stopCountdown();
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

// resume an open round after a reload, or show the next word at once
if (game.current) {
  const number = game.rounds.length;
  showCard({ id: game.current.id, word: game.current.word, number });
  if (game.current.begun) {
    drawing();
    startTimer(game.current.remaining_ms);
  }
} else if (game.rounds.length < game.rounds_total) {
  startRound();
} else {
  window.location.assign(`/games/${game.id}`);
}
