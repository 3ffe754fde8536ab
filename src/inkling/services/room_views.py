"""What one viewer sees of a room: a snapshot built from the database alone (any server process can).

A player sees the word when drawing, once they guessed it, and between turns; the drawer sees the
three words offered; everyone else sees the hint. Chat lines are shown to their audience only: a
correct guess reads "guessed the word!" to the others. A viewer without a seat (``None``, the TV
view) sees what everybody may see. Names and texts are data: pages insert them as text, never HTML.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inkling.db.room_models import Room as RoomRow
from inkling.db.room_models import RoomGuess
from inkling.game.room_state import Phase
from inkling.game.rooms import Room
from inkling.services.game import epoch_ms
from inkling.services.room_ink import turn_ink
from inkling.services.room_store import LoadedRoom, chat_messages, load

CHAT_LINES = 60  # the latest lines a snapshot carries


def _players(room: Room) -> list[dict[str, Any]]:
    turn = room.turn
    drawing = room.in_game and turn is not None
    return [
        {
            "id": p.id,
            "name": p.name,
            "score": p.score,
            "model": p.is_model,
            "online": p.online,
            "host": p.id == room.state.host,
            "drawing": drawing and turn is not None and turn.drawer == p.id,
            "guessed": drawing and turn is not None and room.phase is Phase.DRAWING and turn.guessed(p.id),
        }
        for p in room.players.values()
        if p.present and (not p.is_model or room.model is not None)
    ]


def _settings(room: Room, host: bool) -> dict[str, Any]:
    settings = room.settings.to_document()
    settings["custom_word_count"] = len(room.settings.custom_words)
    if not host:
        settings["custom_words"] = []  # the host's list is the answers: nobody else reads it
    return settings


def _turn(session: Session, loaded: LoadedRoom, viewer: int | None) -> dict[str, Any] | None:
    room, turn = loaded.room, loaded.room.turn
    if turn is None:
        return None
    view: dict[str, Any] = {"number": turn.number, "round": turn.round, "drawer": turn.drawer}
    view["word"] = turn.word if room.sees_word(viewer) else None
    view["hint"] = room.hint()
    if room.phase is Phase.CHOOSING and viewer == turn.drawer:
        view["choices"] = list(turn.choices)
    if room.phase is not Phase.CHOOSING and loaded.row.current_turn_id is not None:
        view["ink"], view["ink_seq"] = turn_ink(session, loaded.row.current_turn_id)
    if room.phase in (Phase.REVEAL, Phase.FINISHED):
        view["result"] = {
            "reason": turn.end_reason,
            "correct": [{"player": c.player, "points": c.points} for c in turn.correct],
            "drawer_points": turn.drawer_points,
            "round_over": room.phase is Phase.REVEAL and room.round_complete(),
        }
    return view


def _chat(session: Session, loaded: LoadedRoom, viewer: int | None) -> list[dict[str, Any]]:
    """The latest lines ``viewer`` may read, oldest first; others' correct guesses as "guessed" lines."""
    columns = (RoomGuess.id, RoomGuess.player_id, RoomGuess.text, RoomGuess.verdict, RoomGuess.points)
    lines = session.execute(
        select(*columns, RoomGuess.audience)
        .where(RoomGuess.room_id == loaded.row.id)
        .order_by(RoomGuess.id.desc())
        .limit(CHAT_LINES)
    ).all()
    shown: list[dict[str, Any]] = []
    for line in reversed(lines):
        player = loaded.room.players.get(line.player_id)
        name = player.name if player is not None else "?"
        if line.audience is None or viewer in line.audience:
            for message in chat_messages(line, name):
                if message["type"] == "chat":
                    message.pop("to", None)
                    shown.append(message)
                elif viewer == line.player_id:  # "close!" is for the guesser's eyes
                    shown[-1]["close"] = True
        elif line.verdict == "correct":
            shown.append({"type": "guessed", "id": line.id, "player": line.player_id, "name": name})
    return shown


def room_view(session: Session, row: RoomRow, viewer: int | None, now: datetime) -> dict[str, Any]:
    """The snapshot of ``row`` for player ``viewer`` (``None``: a TV)."""
    loaded = load(session, row, now)
    room = loaded.room
    host = viewer is not None and viewer == room.state.host
    return {
        "type": "snapshot",
        "code": row.code,
        "private": row.is_private,
        "phase": room.phase.value,
        "round": room.state.round,
        "you": viewer,
        "host": room.state.host,
        "remaining_ms": room.remaining_ms(epoch_ms(now)),
        "settings": _settings(room, host),
        "players": _players(room),
        "turn": _turn(session, loaded, viewer),
        "chat": _chat(session, loaded, viewer),
    }
