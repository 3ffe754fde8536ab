"""``inkling train digits``: compare decision tree, random forest, k-NN, SVM, MLP and CNN on MNIST.

    inkling data load mnist
    inkling train digits --models all --out runs/digits --onnx src/inkling/models/digits-cnn.onnx --register

Reads MNIST from the database, grid-searches each family, evaluates it on the test table, exports
the most accurate model to ONNX (parity-checked), writes the comparison into docs/BENCHMARKS.md.
"""

from __future__ import annotations

import dataclasses
import json
import shlex
import sys
from pathlib import Path

import typer
from rich.console import Console

from inkling.cli.common import DatabaseUrl, fail

out = Console()
BENCHMARKS = Path("docs/BENCHMARKS.md")


def digits(
    models: str = typer.Option(
        "all", "--models", help="comma-separated families (tree,forest,knn,svm,mlp,cnn), all, or none"
    ),
    out_dir: Path = typer.Option(Path("runs/digits"), "--out", help="results, confusion PNGs and estimators"),
    onnx_path: Path | None = typer.Option(
        None, "--onnx", help="export the most accurate model here (+ .json)"
    ),
    register: bool = typer.Option(
        False, help="register the exported model; activate it if it beats the active one"
    ),
    report: bool = typer.Option(False, help="write the comparison table into docs/BENCHMARKS.md"),
    quick: bool = typer.Option(False, help="tiny grids, 1 CNN epoch, no subsets (smoke runs and tests)"),
    train_limit: int | None = typer.Option(None, min=10, help="use only the first N training images"),
    test_limit: int | None = typer.Option(None, min=10, help="use only the first N test images"),
    cnn_epochs: int | None = typer.Option(None, min=1, help="CNN epochs for the final fit (default 12)"),
    cnn_arch: str | None = typer.Option(None, help="CNN architecture (default digit-cnn-wide)"),
    threads: int = typer.Option(
        2, min=1, help="torch threads for the CNN (1 is faster on a crowded machine)"
    ),
    seed: int = typer.Option(0, help="random seed (subsets, folds, weights)"),
    database_url: str | None = DatabaseUrl,
) -> None:
    """Grid-search, train and evaluate the digit model families on the MNIST tables; export the best."""
    from inkling.db.engine import make_engine
    from inkling.learn.digits.compare import load_estimator, load_results, run_family, save_result
    from inkling.learn.digits.data import load_digits_from_db
    from inkling.learn.digits.families import FAMILIES, get_family
    from inkling.settings import get_settings

    names = list(FAMILIES) if models == "all" else [m.strip() for m in models.split(",") if m.strip()]
    names = [] if models == "none" else names
    try:
        families = [get_family(name) for name in names]
    except KeyError as error:
        raise fail(str(error.args[0])) from None
    engine = make_engine(database_url or get_settings().database_url)
    try:
        x_train, y_train, x_test, y_test = load_digits_from_db(
            engine, train_limit=train_limit, test_limit=test_limit
        )
    except LookupError as error:
        raise fail(str(error)) from None
    finally:
        engine.dispose()
    out.print(f"MNIST from the database: {len(x_train)} train, {len(x_test)} test images")
    for family in families:
        if family.name == "cnn" and (cnn_epochs or cnn_arch):
            fixed = {**family.fixed, **({"epochs": cnn_epochs} if cnn_epochs else {})}
            fixed |= {"arch": cnn_arch} if cnn_arch else {}
            quick_fixed = {**family.quick_fixed, **({"epochs": cnn_epochs} if cnn_epochs else {})}
            family = dataclasses.replace(family, fixed=fixed, quick_fixed=quick_fixed)
        out.print(f"[bold]{family.title}[/bold]: grid {family.quick_grid if quick else family.grid}")
        base = (
            {"threads": threads, **({"arch": cnn_arch} if cnn_arch else {})} if family.name == "cnn" else {}
        )
        result, estimator = run_family(
            family, x_train, y_train, x_test, y_test, quick=quick, seed=seed, base_params=base
        )
        result.command = "inkling " + " ".join(shlex.quote(arg) for arg in sys.argv[1:])
        save_result(result, estimator, out_dir)
        out.print(
            f"  best {result.best_params} (cv {result.cv_accuracy:.4f}, {result.search_seconds:.0f} s); "
            f"test accuracy {result.accuracy:.4f}, macro F1 {result.macro_f1:.4f}, "
            f"train {result.train_seconds:.1f} s, inference {result.inference_seconds:.2f} s",
            highlight=False,
        )
    results = load_results(out_dir)
    command = "inkling " + " ".join(shlex.quote(arg) for arg in sys.argv[1:])
    if report and results:
        from inkling.learn.digits.report import report_section, write_section

        write_section(BENCHMARKS, report_section(results, command))
        out.print(f"wrote the comparison into {BENCHMARKS}")
    if onnx_path is None or not results:
        return
    from inkling.learn.digits.export import export_digit_model

    best = results[0]
    estimator = load_estimator(out_dir, best.family)
    metrics = {"accuracy": best.accuracy, "macro_f1": best.macro_f1, "test_size": best.test_size}
    training = {"family": best.family, "best_params": best.best_params, "fit_size": best.fit_size,
                "train_seconds": round(best.train_seconds, 1), "command": best.command or command,
                "export_command": command}  # fmt: skip
    meta = export_digit_model(
        estimator,
        onnx_path,
        name=f"digits-{best.family}",
        images=x_test[:512],
        metrics=metrics,
        training=training,
    )
    out.print(f"exported {best.title} to {onnx_path} (parity {meta['parity']['max_abs_diff']:.2g})")
    if register:
        from inkling.db import migrate
        from inkling.db.engine import session_scope
        from inkling.learn.digits.export import register_digit_model

        url = database_url or get_settings().database_url
        migrate.upgrade(url)
        engine = make_engine(url)
        try:
            with session_scope(engine) as session:
                model, active = register_digit_model(session, onnx_path, meta)
                out.print(json.dumps({"registered": f"{model.name}@{model.version}", "active": active}))
        finally:
            engine.dispose()
