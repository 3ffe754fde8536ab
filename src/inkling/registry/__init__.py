"""Models as versioned rows in the database: ONNX bytes plus metadata; no torch."""

from inkling.registry.store import (
    ModelNotFoundError,
    activate,
    find_model,
    get_active,
    list_models,
    register_model,
)

__all__ = [
    "ModelNotFoundError",
    "activate",
    "find_model",
    "get_active",
    "list_models",
    "register_model",
]
