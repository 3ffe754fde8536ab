/**
 * room.js — a room's page (and its TV view): the room's WebSocket, the shared canvas, guesses and chat.
 *
 * The server holds the room: on connecting (and on every "sync") it sends a snapshot, then messages
 * as things happen (ink, chat, close, guessed, hint, kicked, error). A lost connection reconnects
 * and gets a fresh snapshot, so a reload rejoins where the room is. The drawer's canvas sends its
 * new points at least every 100 ms while drawing; coordinates travel on a canvas 1000 units wide
 * (4:3), so every screen size shows the same drawing. Lobby commands (settings, start, kick, leave)
 * are JSON posts with the page's CSRF token.
 */
import { InkPad } from "/static/js/inkpad.js";
import {
  appendChat,
  markClose,
  namesOf,
  renderBar,
  renderChat,
  renderLobby,
  renderOverlay,
  renderPlayers,
  renderWord,
} from "/static/js/room_view.js";

const WIDTH = 1000; // logical canvas width; the height is 750
const SEND_MS = 100; // the drawer's stroke updates, at least this often
const MAX_CHUNK = 200; // points per ink message (the server's limit)
const FINAL_CODES = new Set([1003, 1007, 1008, 1009, 4003, 4004]);

const root = document.getElementById("room");
const code = root.dataset.code;
const tv = root.dataset.view === "tv";
const csrf = document.querySelector('meta[name="csrf-token"]')?.content ?? "";
const canvas = document.getElementById("room-pad");
const errorBox = document.getElementById("room-error");

let state = null; // the latest snapshot
let names = new Map();
let ink = []; // the turn's drawing in logical units
let inkSeq = 0; // the last ink operation included
let lastChat = 0;
let socket = null;
let retries = 0;
let deadline = null; // performance.now() when the phase ends
let phaseMs = null;
let sent = { stroke: 0, points: 0 }; // what of the drawer's pad was sent
let applying = false; // the page itself is changing the pad: send nothing

const pad = new InkPad(canvas, { tickMs: SEND_MS, onStrokeStart: sendNew, onTick: sendNew, onStrokeEnd: sendNew });

function isDrawer() {
  return !!state && !tv && state.phase === "drawing" && state.turn?.drawer === state.you;
}

function showError(text) {
  errorBox.textContent = text;
  errorBox.hidden = !text;
}

// --- ink -------------------------------------------------------------------------------------------

const scale = () => (canvas.clientWidth || WIDTH) / WIDTH;
const toLogical = (v) => Math.round((v / scale()) * 10) / 10;

function applyOp(strokes, op, stroke, points) {
  if (op === "clear") return [];
  if (op === "undo") return strokes.slice(0, -1);
  if (!points || !points.length) return strokes;
  if (stroke === strokes.length) strokes.push([[], [], []]);
  else if (stroke !== strokes.length - 1) return strokes;
  const target = strokes[strokes.length - 1];
  for (const [x, y, t] of points) {
    target[0].push(x);
    target[1].push(y);
    target[2].push(target[2].length ? Math.max(t, target[2].at(-1)) : t);
  }
  return strokes;
}

let redrawQueued = false;
function showInk() {
  if (redrawQueued) return;
  redrawQueued = true;
  requestAnimationFrame(() => {
    redrawQueued = false;
    if (pad.drawing) return;
    const k = scale();
    applying = true;
    pad.setInk(ink.map(([xs, ys, ts]) => [xs.map((x) => x * k), ys.map((y) => y * k), ts]));
    applying = false;
    sent = { stroke: pad.strokeCount, points: 0 };
  });
}

/** Send the drawer's points not sent yet (called every SEND_MS while drawing, and at each stroke's end). */
function sendNew(current) {
  if (applying || !isDrawer()) return;
  for (let i = sent.stroke; i < current.length; i++) {
    const [xs, ys, ts] = current[i];
    for (let from = i === sent.stroke ? sent.points : 0; from < xs.length; from += MAX_CHUNK) {
      const points = [];
      for (let j = from; j < Math.min(xs.length, from + MAX_CHUNK); j++) points.push([toLogical(xs[j]), toLogical(ys[j]), ts[j]]);
      send({ type: "ink", stroke: i, points });
      ink = applyOp(ink, "points", i, points);
    }
    sent = { stroke: i, points: xs.length };
  }
}

function drawerTool(op) {
  if (!isDrawer()) return;
  send({ type: op });
  applying = true;
  op === "undo" ? pad.undo() : pad.clear();
  applying = false;
  ink = applyOp(ink, op);
  sent = { stroke: pad.strokeCount, points: 0 };
}

// --- the connection --------------------------------------------------------------------------------

function send(message) {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
}

function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  socket = new WebSocket(`${scheme}://${location.host}/ws/rooms/${encodeURIComponent(code)}${tv ? "?view=tv" : ""}`);
  socket.addEventListener("open", () => {
    retries = 0;
    showError("");
  });
  socket.addEventListener("message", (event) => {
    try {
      receive(JSON.parse(event.data));
    } catch (error) {
      showError(`Something went wrong: ${error.message}`);
    }
  });
  socket.addEventListener("close", (event) => {
    socket = null;
    if (event.code === 4003 && !tv) {
      location.assign(`/r/${encodeURIComponent(code)}`); // the join form, or why not
    } else if (FINAL_CODES.has(event.code)) {
      showError(event.reason || "The connection was closed.");
    } else {
      const wait = Math.min(1000 * 2 ** retries++, 10000);
      showError("Connection lost; reconnecting…");
      setTimeout(connect, wait);
    }
  });
}

function receive(message) {
  switch (message.type) {
    case "snapshot":
      return applySnapshot(message);
    case "ink":
      if (message.seq <= inkSeq) return;
      inkSeq = message.seq;
      if (isDrawer()) return; // the drawer's own pad is ahead of its echo
      ink = applyOp(ink, message.op, message.stroke, message.points);
      return showInk();
    case "chat":
      if (message.id <= lastChat) return;
      lastChat = message.id;
      return appendChat(message, state?.you);
    case "close":
      return markClose(message.id);
    case "guessed":
      return guessed(message);
    case "hint":
      if (state?.turn && !state.turn.word) {
        state.turn.hint = message.hint;
        renderWord(state, names);
      }
      return;
    case "kicked":
      return showError("The host removed you from the room.");
    case "error":
      return showError(message.detail);
    default:
      return;
  }
}

function guessed(message) {
  if (!state) return;
  for (const player of state.players) {
    if (String(player.id) in message.scores) player.score = message.scores[String(player.id)];
    if (player.id === message.player) player.guessed = true;
  }
  if (message.player !== state.you) appendChat({ type: "guessed", name: names.get(message.player) ?? "?" }, state.you);
  renderPlayers(state, kick);
}

function applySnapshot(snapshot) {
  const turnChanged = state?.turn?.number !== snapshot.turn?.number;
  state = snapshot;
  names = namesOf(snapshot);
  deadline = snapshot.remaining_ms === null ? null : performance.now() + snapshot.remaining_ms;
  phaseMs = snapshot.phase === "drawing" ? snapshot.settings.draw_seconds * 1000 : snapshot.remaining_ms;
  const turn = snapshot.turn;
  if (turn && "ink" in turn) {
    // the drawer's pad is ahead of the database (points in flight): it is only restored after a reload
    if (!isDrawer() || turnChanged || pad.isEmpty) {
      ink = turn.ink;
      showInk();
    }
    inkSeq = Math.max(inkSeq, turn.ink_seq);
  } else if (turnChanged || snapshot.phase === "choosing" || snapshot.phase === "lobby") {
    ink = [];
    inkSeq = 0;
    showInk();
  }
  isDrawer() ? pad.enable() : pad.disable();
  document.getElementById("room-tools").hidden = !isDrawer();
  lastChat = Math.max(0, ...snapshot.chat.map((line) => line.id ?? 0));
  renderChat(snapshot.chat, snapshot.you);
  renderBar(snapshot);
  renderWord(snapshot, names);
  renderPlayers(snapshot, kick);
  renderOverlay(snapshot, names, (index) => send({ type: "choose", index }));
  renderLobby(snapshot);
  const guess = document.getElementById("guess");
  if (guess) guess.placeholder = isDrawer() ? "Chat with those who guessed…" : "Type your guess…";
  tick();
}

function tick() {
  const timer = document.getElementById("room-timer");
  const fill = document.getElementById("room-timeline");
  if (deadline === null || !state || !["choosing", "drawing", "reveal"].includes(state.phase)) {
    timer.textContent = "–";
    fill.style.width = "0%";
    return;
  }
  const left = Math.max(0, deadline - performance.now());
  timer.textContent = `${Math.ceil(left / 1000)} s`;
  fill.style.width = `${phaseMs ? Math.min(100, (100 * left) / phaseMs) : 0}%`;
}
setInterval(tick, 250);

// --- lobby commands --------------------------------------------------------------------------------

async function post(path, body) {
  try {
    const response = await fetch(`/api/v1/rooms/${encodeURIComponent(code)}/${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body ?? {}),
    });
    if (!response.ok) {
      const answer = await response.json().catch(() => ({}));
      showError(typeof answer.detail === "string" ? answer.detail : `The server said ${response.status}.`);
      return false;
    }
    showError("");
    return true;
  } catch {
    showError("The server cannot be reached.");
    return false;
  }
}

function kick(player) {
  if (window.confirm(`Remove ${player.name} from the room for good?`)) post("kick", { player: player.id });
}

function settingsBody(form) {
  const words = form.elements.custom_words.value.split(/[\n,;]/).map((w) => w.trim()).filter(Boolean);
  const body = {
    rounds: Number(form.elements.rounds.value),
    draw_seconds: Number(form.elements.draw_seconds.value),
    max_players: Number(form.elements.max_players.value),
    model_plays: form.elements.model_plays.checked,
    custom_words: words,
  };
  if (form.elements.category.value) body.category = form.elements.category.value;
  else body.any_word = true;
  return body;
}

if (!tv) {
  const form = document.getElementById("settings-form");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    post("settings", settingsBody(form));
  });
  document.getElementById("start-game").addEventListener("click", async () => {
    if (await post("settings", settingsBody(form))) post("start");
  });
  document.getElementById("leave").addEventListener("click", async () => {
    if (await post("leave")) location.assign("/rooms");
  });
  document.getElementById("guess-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = document.getElementById("guess");
    const text = input.value.trim().slice(0, 100);
    if (text) send({ type: "guess", text });
    input.value = "";
  });
  document.getElementById("undo").addEventListener("click", () => drawerTool("undo"));
  document.getElementById("clear").addEventListener("click", () => drawerTool("clear"));
  const share = document.getElementById("share-link");
  share.value = `${location.origin}/r/${code}`;
  document.getElementById("copy-link").addEventListener("click", async () => {
    share.select();
    try {
      await navigator.clipboard.writeText(share.value);
    } catch {
      /* no clipboard (plain http, old browser): the link is selected for copying */
    }
  });
} else {
  document.getElementById("join-url").textContent = `${location.origin}/r/${code}`;
}

new ResizeObserver(() => showInk()).observe(canvas);
setInterval(() => send({ type: "ping" }), 25000);
connect();
