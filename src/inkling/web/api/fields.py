"""Field types of the API schemas: times that always carry their UTC offset, and strict JSON bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict

from inkling.services.accounts import as_utc

# a time in UTC with its offset ("2030-01-01T12:00:00Z"): SQLite hands back naive datetimes, in UTC
UtcDatetime = Annotated[datetime, AfterValidator(as_utc)]


class StrictBody(BaseModel):
    """A JSON body taken at its JSON types: ``true`` is no integer, ``1`` no boolean, ``"5"`` no number."""

    model_config = ConfigDict(strict=True)
