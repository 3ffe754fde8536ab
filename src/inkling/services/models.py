"""Model use cases: load the shipped models into the registry, and serve predictors of the active model.

``PredictorProvider`` keeps ONNX predictors built from registry rows, keyed by (name, version, sha256),
and notices within ``check_interval`` seconds (one tiny SELECT) when another model becomes active, so
models swap without a restart. ``open_predictor`` is the command line's resolver: database first, then
the model files shipped in ``inkling/models``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from inkling.db.engine import default_engine, make_engine, session_scope
from inkling.db.models import RegisteredModel
from inkling.inference import DEFAULT_THREADS, DoodlePredictor
from inkling.inference.digits import DigitPredictor
from inkling.inference.restore import RestorePredictor
from inkling.registry import ModelNotFoundError, activate, get_active, register_model
from inkling.settings import get_settings

log = logging.getLogger(__name__)

SHIPPED_DIR = Path(__file__).resolve().parents[1] / "models"  # src/inkling/models/*.onnx + *.json
DEFAULT_CHECK_INTERVAL = 5.0  # seconds between checks of which model is active
DEFAULT_MAX_CACHED = 4  # predictors kept in memory (the active ones plus a few recent)
PREDICTORS: dict[str, Callable[..., Any]] = {  # task -> predictor class
    "doodle": DoodlePredictor,
    "digit": DigitPredictor,
    "restore": RestorePredictor,
}


@dataclass(frozen=True)
class ShippedModel:
    """A model file shipped with the package and its metadata sidecar."""

    path: Path
    meta: dict[str, Any]

    @property
    def name(self) -> str:
        """The model's registry name."""
        return str(self.meta["name"])

    @property
    def task(self) -> str:
        """The task it serves (doodle, digit, restore)."""
        return str(self.meta["task"])

    @property
    def activate_if_none(self) -> bool:
        """Whether loading may make it the active model of a task that has none (sidecar key, default yes)."""
        return bool(self.meta.get("activate_if_none", True))

    @property
    def default(self) -> bool:
        """Whether it is the task's default shipped model (sidecar ``"default": true``)."""
        return bool(self.meta.get("default", False))

    def read_onnx(self) -> bytes:
        """The ONNX bytes, checked against the sidecar's ``onnx_sha256`` when it has one."""
        onnx = self.path.read_bytes()
        expected = self.meta.get("onnx_sha256")
        if expected and hashlib.sha256(onnx).hexdigest() != expected:
            raise ValueError(f"{self.path}: SHA-256 does not match onnx_sha256 in its sidecar")
        return onnx


@dataclass(frozen=True)
class LoadResult:
    """What ``load_shipped_models`` did with one shipped model."""

    name: str
    version: int
    task: str
    added: bool
    activated: bool


def shipped_models(models_dir: Path = SHIPPED_DIR) -> list[ShippedModel]:
    """Every ``*.onnx`` in ``models_dir`` with its ``.json`` sidecar (which must give name and task)."""
    found = []
    for path in sorted(Path(models_dir).glob("*.onnx")):
        sidecar = path.with_suffix(".json")
        if not sidecar.is_file():
            raise ValueError(f"{path}: no metadata sidecar {sidecar.name}")
        meta = json.loads(sidecar.read_text(encoding="utf-8"))
        missing = {"name", "task"} - set(meta)
        if missing:
            raise ValueError(f"{sidecar}: missing {sorted(missing)}")
        found.append(ShippedModel(path, meta))
    return found


def in_activation_order(models: list[ShippedModel]) -> list[ShippedModel]:
    """Shipped defaults first, then models that may be activated, then the rest (file order within)."""
    return sorted(models, key=lambda model: (not model.default, not model.activate_if_none))


def default_shipped_model(task: str, models_dir: Path = SHIPPED_DIR) -> ShippedModel:
    """The shipped model a fresh installation serves for ``task``."""
    for model in in_activation_order(shipped_models(models_dir)):
        if model.task == task and model.activate_if_none:
            return model
    raise ModelNotFoundError(f"no shipped {task} model")


def load_shipped_models(session: Session, models_dir: Path = SHIPPED_DIR) -> list[LoadResult]:
    """Register each shipped model unless one with its SHA-256 exists, and pick the active ones.

    A task with no active model gets its shipped default (sidecar ``"default": true``), else the first
    shipped model that allows it; a new version of a shipped default replaces its older shipped version
    when that is active, but never a model a person trained or activated. A sidecar with
    ``"activate_if_none": false`` (e.g. a word-pack model) is registered but never activated.
    """
    results = []
    for shipped in in_activation_order(shipped_models(models_dir)):
        onnx = shipped.read_onnx()
        digest = hashlib.sha256(onnx).hexdigest()
        row = session.scalars(
            select(RegisteredModel).where(RegisteredModel.sha256 == digest).order_by(RegisteredModel.id)
        ).first()
        added = row is None
        if row is None:
            meta = {**shipped.meta, "shipped_file": shipped.path.name}  # metrics, if any, come along
            row = register_model(session, name=shipped.name, task=shipped.task, onnx=onnx, meta=meta)
        active = session.scalars(
            select(RegisteredModel).where(
                RegisteredModel.task == row.task, RegisteredModel.is_active.is_(True)
            )
        ).first()
        if active is None:
            activated = shipped.activate_if_none
        else:
            older_default = active.name == row.name and "shipped_file" in active.meta
            activated = shipped.default and active.id != row.id and older_default
        if activated:
            activate(session, row)
        results.append(LoadResult(row.name, row.version, row.task, added, activated))
    session.flush()
    return results


def ensure_active_model(session: Session, task: str, models_dir: Path = SHIPPED_DIR) -> RegisteredModel:
    """The active model of ``task``; loads the shipped models first when the task has none."""
    try:
        return get_active(session, task)
    except ModelNotFoundError:
        load_shipped_models(session, models_dir)
    try:
        return get_active(session, task)
    except ModelNotFoundError:
        message = f"no {task} model is registered or shipped; train one (see `inkling train --help`)"
        raise ModelNotFoundError(message) from None


def active_predictor(session: Session, provider: PredictorProvider, task: str) -> Any:
    """The provider's predictor of ``task``'s active model, registering the shipped one first if needed."""
    try:
        return provider.get(task)
    except ModelNotFoundError:
        ensure_active_model(session, task)
        session.commit()
        provider.refresh()
        return provider.get(task)


def build_predictor(row: RegisteredModel, **kwargs: Any) -> DoodlePredictor:
    """The predictor for a registry row, by its task."""
    factory = PREDICTORS.get(row.task)
    if factory is None:
        raise ValueError(f"no predictor for task {row.task!r} yet (known: {', '.join(PREDICTORS)})")
    return factory(row.onnx, row.meta, name=row.name, version=row.version, registry_id=row.id, **kwargs)


ModelKey = tuple[int, str, int, str]  # id, name, version, sha256
Wanted = tuple[str, str | None, int | None]  # task, name, version


class PredictorProvider:
    """Thread-safe cache of predictors for the active (or a named) model, re-checked every few seconds."""

    def __init__(
        self,
        engine: Engine | None = None,
        *,
        check_interval: float = DEFAULT_CHECK_INTERVAL,
        max_cached: int = DEFAULT_MAX_CACHED,
        threads: int = DEFAULT_THREADS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.engine = engine
        self.check_interval = check_interval
        self.max_cached = max_cached
        self.threads = threads
        self.clock = clock
        self._lock = threading.Lock()
        self._predictors: OrderedDict[ModelKey, DoodlePredictor] = OrderedDict()
        self._checked: dict[Wanted, tuple[float, ModelKey]] = {}

    def _fresh(self, wanted: Wanted) -> DoodlePredictor | None:
        """The cached predictor for ``wanted`` if it was checked less than ``check_interval`` ago."""
        checked = self._checked.get(wanted)
        if checked is None or self.clock() - checked[0] >= self.check_interval:
            return None
        return self._predictors.get(checked[1])

    def get(
        self, task: str = "doodle", name: str | None = None, version: int | None = None
    ) -> DoodlePredictor:
        """The predictor of the active model of ``task``, or of model ``name`` (newest or ``version``)."""
        wanted = (task, name, version)
        predictor = self._fresh(wanted)
        if predictor is not None:
            return predictor
        with self._lock:
            predictor = self._fresh(wanted)  # another thread may have just refreshed it
            if predictor is not None:
                return predictor
            try:
                key = self._lookup(wanted)
            except SQLAlchemyError as error:
                stale = self._checked.get(wanted)
                if stale is None or stale[1] not in self._predictors:
                    raise
                log.warning("model lookup failed, serving the cached model: %s", error)
                return self._predictors[stale[1]]
            predictor = self._predictors.get(key)
            if predictor is None:
                predictor = self._load(key[0])
                self._predictors[key] = predictor
                while len(self._predictors) > self.max_cached:
                    self._predictors.popitem(last=False)
            self._predictors.move_to_end(key)
            self._checked[wanted] = (self.clock(), key)
            return predictor

    def refresh(self) -> None:
        """Forget when models were last checked: the next ``get`` looks in the database again."""
        with self._lock:
            self._checked.clear()

    def _engine(self) -> Engine:
        return self.engine or default_engine()

    def _lookup(self, wanted: Wanted) -> ModelKey:
        """(id, name, version, sha256) of the wanted model: one small SELECT, no ONNX bytes."""
        task, name, version = wanted
        columns = (RegisteredModel.id, RegisteredModel.name, RegisteredModel.version, RegisteredModel.sha256)
        query = select(*columns, RegisteredModel.task)
        if name is None:
            query = query.where(RegisteredModel.task == task, RegisteredModel.is_active.is_(True))
        else:
            query = query.where(RegisteredModel.name == name)
            if version is not None:
                query = query.where(RegisteredModel.version == version)
        with session_scope(self._engine()) as session:
            row = session.execute(query.order_by(RegisteredModel.version.desc()).limit(1)).first()
        if row is None:
            if name is None:
                raise ModelNotFoundError(f"no active {task} model; run `inkling models load`")
            suffix = f" version {version}" if version is not None else ""
            raise ModelNotFoundError(f"no model named {name!r}{suffix}")
        if row.task != task:
            raise ModelNotFoundError(f"model {row.name!r} is a {row.task} model, not {task}")
        return (row.id, row.name, row.version, row.sha256)

    def _load(self, model_id: int) -> DoodlePredictor:
        """Read one model row (with its bytes) and build its predictor."""
        with session_scope(self._engine()) as session:
            row = session.get(RegisteredModel, model_id)
            if row is None:
                raise ModelNotFoundError(f"model id {model_id} vanished while loading")
            return build_predictor(row, threads=self.threads)


@dataclass
class ResolvedPredictor:
    """A predictor and where it came from (for messages), with notes on fallbacks taken."""

    predictor: DoodlePredictor
    source: str
    notes: list[str] = field(default_factory=list)


def _database_engine(url: str, notes: list[str]) -> Engine | None:
    """An engine on ``url`` if it holds a models table; never creates a SQLite file."""
    parsed = make_url(url)
    shown = parsed.render_as_string(hide_password=True)
    file_db = parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:")
    if file_db and not Path(str(parsed.database)).is_file():
        notes.append(f"no database file at {parsed.database}")
        return None
    engine = make_engine(url)
    try:
        if inspect(engine).has_table("models"):
            return engine
        notes.append(f"database {shown} has no models table")
    except SQLAlchemyError as error:
        notes.append(f"database {shown} unavailable ({type(error).__name__})")
    engine.dispose()
    return None


def open_predictor(
    task: str = "doodle",
    name: str | None = None,
    version: int | None = None,
    *,
    database_url: str | None = None,
    models_dir: Path = SHIPPED_DIR,
    **kwargs: Any,
) -> ResolvedPredictor:
    """The model to use from the command line: the database's (named or active) model, else a shipped one."""
    if task not in PREDICTORS:
        raise ValueError(f"no predictor for task {task!r} yet (known: {', '.join(PREDICTORS)})")
    notes: list[str] = []
    url = database_url or get_settings().database_url
    engine = _database_engine(url, notes)
    if engine is not None:
        try:
            with session_scope(engine) as session:
                query = select(RegisteredModel).where(RegisteredModel.task == task)
                if name is None:
                    query = query.where(RegisteredModel.is_active.is_(True))
                else:
                    query = query.where(RegisteredModel.name == name)
                    if version is not None:
                        query = query.where(RegisteredModel.version == version)
                row = session.scalars(query.order_by(RegisteredModel.version.desc())).first()
                if row is not None:
                    source = f"{row.name} v{row.version} from the database"
                    return ResolvedPredictor(build_predictor(row, **kwargs), source, notes)
            notes.append(f"the database has no {'active ' + task if name is None else repr(name)} model")
        except SQLAlchemyError as error:
            notes.append(f"database lookup failed ({type(error).__name__})")
        finally:
            engine.dispose()
    if version is None:
        for shipped in in_activation_order(shipped_models(models_dir)):
            if shipped.task == task and (shipped.name == name or (name is None and shipped.activate_if_none)):
                predictor = PREDICTORS[task](shipped.read_onnx(), shipped.meta, **kwargs)
                return ResolvedPredictor(predictor, f"{shipped.name} from {shipped.path}", notes)
    wanted = f"model {name!r}" + (f" version {version}" if version is not None else "")
    raise ModelNotFoundError(f"no {wanted if name else task + ' model'} in the database or shipped files")
