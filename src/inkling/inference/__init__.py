"""ONNX Runtime predictors; numpy + onnxruntime only (no torch, no database)."""

from inkling.inference.doodle import DoodlePredictor, Guess, is_blank, softmax, top_guesses
from inkling.inference.inputs import INPUT_BUILDERS, InputError, build_input, register_input_kind
from inkling.inference.session import DEFAULT_THREADS, make_session, session_options

__all__ = [
    "DEFAULT_THREADS",
    "INPUT_BUILDERS",
    "DoodlePredictor",
    "Guess",
    "InputError",
    "build_input",
    "is_blank",
    "make_session",
    "register_input_kind",
    "session_options",
    "softmax",
    "top_guesses",
]
