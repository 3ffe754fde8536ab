/**
 * room_view.js — draws a room's snapshot into the page: the bar, the players, the stage's overlay
 * (word choice, the turn's result, the podium) and the chat. No libraries.
 *
 * Every name, word and message is user data: it is only ever put in the page as text
 * (textContent), never as HTML.
 */

const PHASES = { lobby: "Lobby", choosing: "Choosing a word", drawing: "Drawing", reveal: "Results", finished: "Game over" };

/** An element with a class and text. */
export function el(tag, className = "", text = "") {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== "") node.textContent = text;
  return node;
}

/** The players' names by id, the model included. */
export function namesOf(state) {
  return new Map(state.players.map((p) => [p.id, p.name]));
}

/** The bar above the canvas: round and phase. */
export function renderBar(state) {
  const round = document.getElementById("room-round");
  const rounds = state.settings.rounds;
  round.textContent = state.phase === "lobby" ? PHASES.lobby : `Round ${Math.max(state.round, 1)} of ${rounds} · ${PHASES[state.phase]}`;
}

/** The line above the canvas: what to draw, the hint, or what is going on. */
export function renderWord(state, names) {
  const line = document.getElementById("room-word");
  const turn = state.turn;
  line.classList.remove("room-hint");
  if (state.phase === "lobby") {
    line.textContent = "Waiting in the lobby";
  } else if (state.phase === "lobby") {
    const people = state.players.filter((p) => !p.model).length;
    overlay.append(el("p", "overlay-title", "Invite your friends"), el("p", "", "Share the link, or this code:"));
    overlay.append(el("p", "room-code-big", state.code));
    const host = state.you !== null && state.you === state.host;
    overlay.append(el("p", "count", `${people} in the room · ${host ? "start when everyone is here" : "the host starts the game"}`));
  } else if (state.phase === "finished") {
    line.textContent = "Game over!";
  } else if (!turn) {
    line.textContent = "";
  } else if (state.phase === "choosing") {
    line.textContent = turn.drawer === state.you ? "Pick a word to draw" : `${names.get(turn.drawer) ?? "?"} is choosing a word…`;
  } else if (turn.word && state.phase === "drawing") {
    line.textContent = turn.drawer === state.you ? `Draw: ${turn.word}` : `You got it: ${turn.word}`;
  } else if (turn.word) {
    line.textContent = `The word was: ${turn.word}`;
  } else {
    line.textContent = turn.hint ?? "";
    line.classList.add("room-hint");
  }
}

/** The players, best score first, with badges; the host gets a Remove button by each other person. */
export function renderPlayers(state, onKick) {
  const list = document.getElementById("players");
  list.replaceChildren();
  const isHost = state.you !== null && state.you === state.host;
  const ranked = [...state.players].sort((a, b) => b.score - a.score);
  for (const player of ranked) {
    const item = el("li", "room-player");
    item.dataset.player = String(player.id);
    item.classList.toggle("offline", !player.online);
    item.classList.toggle("guessed", player.guessed);
    item.classList.toggle("drawing", player.drawing);
    item.classList.toggle("you", player.id === state.you);
    item.append(el("span", "player-name", player.name));
    if (player.model) item.append(el("span", "badge badge-model", "model"));
    if (player.host) item.append(el("span", "badge", "host"));
    if (player.drawing) item.append(el("span", "badge badge-draw", "drawing"));
    if (player.guessed) item.append(el("span", "badge badge-ok", "✓"));
    item.append(el("span", "player-score", String(player.score)));
    if (isHost && !player.model && player.id !== state.you) {
      const kick = el("button", "kick secondary", "Remove");
      kick.type = "button";
      kick.setAttribute("aria-label", `Remove ${player.name}`);
      kick.addEventListener("click", () => onKick(player));
      item.append(kick);
    }
    list.append(item);
  }
}

function standings(state) {
  const table = el("ol", "room-standings");
  for (const player of [...state.players].sort((a, b) => b.score - a.score)) {
    const row = el("li");
    row.append(el("span", "player-name", player.name), el("span", "player-score", String(player.score)));
    table.append(row);
  }
  return table;
}

/** The overlay on the canvas: the three words for the drawer, a turn's result, the podium. */
export function renderOverlay(state, names, onChoose) {
  const overlay = document.getElementById("room-overlay");
  overlay.replaceChildren();
  const turn = state.turn;
  let shown = true;
  if (state.phase === "choosing" && turn && turn.choices) {
    overlay.append(el("p", "overlay-title", "Choose a word to draw"));
    const choices = el("div", "room-choices");
    turn.choices.forEach((word, index) => {
      const button = el("button", "choice", word);
      button.type = "button";
      button.dataset.index = String(index);
      button.addEventListener("click", () => onChoose(index));
      choices.append(button);
    });
    overlay.append(choices);
  } else if (state.phase === "choosing" && turn) {
    overlay.append(el("p", "overlay-title", `${names.get(turn.drawer) ?? "?"} is choosing a word…`));
  } else if (state.phase === "reveal" && turn && turn.result) {
    const result = turn.result;
    overlay.append(el("p", "overlay-title", `The word was ${turn.word ?? "—"}`));
    const why = { all_guessed: "Everyone got it!", time: "Time's up.", drawer_left: "The drawer left." };
    overlay.append(el("p", "count", why[result.reason] ?? ""));
    const got = el("ul", "room-result");
    for (const entry of result.correct) {
      got.append(el("li", "", `${names.get(entry.player) ?? "?"} +${entry.points}`));
    }
    if (result.drawer_points) got.append(el("li", "", `${names.get(turn.drawer) ?? "?"} (drawing) +${result.drawer_points}`));
    if (!result.correct.length) got.append(el("li", "count", "Nobody guessed it."));
    overlay.append(got);
    if (result.round_over) {
      overlay.append(el("p", "overlay-title", `Round ${state.round} is over`), standings(state));
    }
  } else if (state.phase === "finished") {
    overlay.append(el("p", "overlay-title", "The podium"));
    const podium = el("ol", "room-podium");
    const ranked = [...state.players].sort((a, b) => b.score - a.score);
    ranked.slice(0, 3).forEach((player, place) => {
      const step = el("li", `podium-step podium-${place + 1}`);
      step.append(el("span", "podium-place", ["🥇", "🥈", "🥉"][place]), el("span", "player-name", player.name), el("span", "player-score", String(player.score)));
      podium.append(step);
    });
    overlay.append(podium, standings(state));
    const again = el("a", "", "New room");
    again.href = "/rooms";
    overlay.append(el("p", "", ""), again);
  } else {
    shown = false;
  }
  overlay.hidden = !shown;
}

/** One chat line: a guess or message, a "close!" mark, or "X guessed the word!". */
export function chatLine(line, you) {
  const item = el("li", "chat-line");
  item.dataset.id = String(line.id ?? "");
  if (line.type === "guessed" || line.type === "system") {
    item.classList.add("chat-system");
    item.textContent = line.type === "guessed" ? `${line.name} guessed the word!` : line.text;
    return item;
  }
  item.append(el("b", "chat-name", `${line.name}: `), el("span", "chat-text", line.text));
  if (line.verdict === "correct") {
    item.classList.add("chat-correct");
    item.append(el("span", "badge badge-ok", line.player === you ? `✓ +${line.points}` : "✓"));
  }
  if (line.close) {
    item.classList.add("chat-close");
    item.append(el("span", "badge badge-close", "close!"));
  }
  return item;
}

/** Replace the chat with a snapshot's lines. */
export function renderChat(lines, you) {
  const list = document.getElementById("chat");
  list.replaceChildren(...lines.map((line) => chatLine(line, you)));
  list.scrollTop = list.scrollHeight;
}

/** Add one line at the bottom of the chat. */
export function appendChat(line, you) {
  const list = document.getElementById("chat");
  list.append(chatLine(line, you));
  while (list.children.length > 200) list.firstElementChild.remove();
  list.scrollTop = list.scrollHeight;
}

/** Mark a line of one's own as "close!". */
export function markClose(id) {
  const item = document.querySelector(`#chat li[data-id="${Number(id)}"]`);
  if (!item || item.classList.contains("chat-close")) return;
  item.classList.add("chat-close");
  item.append(el("span", "badge badge-close", "close!"));
}

/** The lobby: the host edits the settings and starts; the others wait. */
export function renderLobby(state) {
  const lobby = document.getElementById("lobby");
  if (!lobby) return;
  lobby.hidden = state.phase !== "lobby";
  if (lobby.hidden) return;
  const isHost = state.you !== null && state.you === state.host;
  const form = document.getElementById("settings-form");
  document.getElementById("lobby-wait").hidden = isHost;
  const settings = state.settings;
  if (isHost && form.hidden) {
    form.elements.rounds.value = settings.rounds;
    form.elements.draw_seconds.value = settings.draw_seconds;
    form.elements.max_players.value = settings.max_players;
    form.elements.category.value = settings.category ?? "";
    form.elements.custom_words.value = (settings.custom_words || []).join("\n");
    form.elements.model_plays.checked = settings.model_plays;
  }
  form.hidden = !isHost;
  const words = settings.custom_word_count ? `${settings.custom_word_count} custom words` : settings.category ?? "any word";
  const model = settings.model_plays ? "Inkling plays" : "Inkling watches";
  document.getElementById("lobby-summary").textContent = `${settings.rounds} rounds · ${settings.draw_seconds} s to draw · up to ${settings.max_players} players · ${words} · ${model}`;
}
