"""Bounds of integer request parameters, shared by the routers: an id fits the database's id columns.

Ids are 32-bit ``INTEGER`` columns (PostgreSQL refuses a larger number in a comparison with a 500;
SQLite overflows past 64 bits), so a path, query or body id outside ``1..MAX_DB_ID`` gets 422 before
any query runs. Use it as the type and add the source and wording with FastAPI's marker::

    game_id: Annotated[DbId, Path(description="the game's id")]
    model: Annotated[DbId | None, Query(description="...")] = None
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

MAX_DB_ID = 2**31 - 1  # the largest value of a 32-bit INTEGER column

DbId = Annotated[int, Field(ge=1, le=MAX_DB_ID)]
