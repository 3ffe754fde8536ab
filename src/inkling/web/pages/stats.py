"""``/leaderboard`` and ``/analytics``: results tables with server-side SVG charts."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from inkling.db.repositories.words import WordRepository
from inkling.services import analytics
from inkling.services.analytics import Difficulty, ModelVersion, WordSort
from inkling.web.charts import Bar, bar_chart, percent, seconds
from inkling.web.deps import SessionDep
from inkling.web.params import DbId
from inkling.web.templating import templates

router = APIRouter(tags=["pages"], include_in_schema=False)

CHART_WORDS = 20  # hardest words shown in the recognition-rate chart
RATE_TICKS = [(0.0, "0 %"), (0.25, "25 %"), (0.5, "50 %"), (0.75, "75 %"), (1.0, "100 %")]


def word_href(text: str) -> str:
    """The gallery page of a word."""
    return f"/words/{quote(text, safe='')}"


def _known_model(models: list[ModelVersion], model: int | None) -> int | None:
    """``model`` if it is one of ``models`` (a stale link shows everything instead of an error)."""
    return model if model is not None and any(m.id == model for m in models) else None


def _time_ticks(top_ms: float) -> list[tuple[float, str]]:
    """Axis ticks every 2, 5 or 10 s up to ``top_ms``."""
    top = max(top_ms, 1000.0)
    step = next((s for s in (1000, 2000, 5000, 10000) if top / s <= 5), 20000)
    end = -(-int(top) // step) * step  # the first tick at or past the longest bar
    return [(t, f"{t // 1000} s") for t in range(0, end + 1, step)]


def rate_chart(rows: list[Difficulty], title: str) -> Markup:
    """Recognition rate per row, as given (worst first)."""
    bars = [
        Bar(
            r.label,
            r.recognition_rate,
            f"{percent(r.recognition_rate)} of {r.rounds}",
            low=r.recognition_rate < 0.5,
            tooltip=f"{r.label}: recognised in {r.recognized} of {r.rounds} rounds "
            f"({percent(r.recognition_rate)}), median {seconds(r.median_ms)}",
        )
        for r in rows
    ]
    description = "Share of rounds in which the model named the word, hardest words first."
    return bar_chart(bars, title=title, description=description, max_value=1.0, ticks=RATE_TICKS)


def time_chart(rows: list[Difficulty], title: str) -> Markup:
    """Median time to recognition per row, slowest first (rows without a recognition are left out)."""
    timed = sorted((r for r in rows if r.median_ms is not None), key=lambda r: -(r.median_ms or 0))
    top = max((r.median_ms or 0 for r in timed), default=0.0)
    ticks = _time_ticks(top)
    bars = [
        Bar(
            r.label,
            r.median_ms or 0,
            seconds(r.median_ms),
            tooltip=f"{r.label}: median {seconds(r.median_ms)} over {r.recognized} recognised rounds",
        )
        for r in timed
    ]
    description = "Median time from the word being shown to the model naming it, recognised rounds only."
    return bar_chart(bars, title=title, description=description, max_value=ticks[-1][0], ticks=ticks)


@router.get("/leaderboard", response_class=HTMLResponse)
def leaderboard(
    request: Request,
    session: SessionDep,
    model: Annotated[DbId | None, Query()] = None,
) -> HTMLResponse:
    """The fastest recognitions and the best games, with a chart of the fastest times."""
    models = analytics.model_versions(session)
    model = _known_model(models, model)
    fastest = analytics.fastest_recognitions(session, model_id=model, limit=10)
    games = analytics.best_games(session, model_id=model, limit=10)
    top = max((r.recognized_ms for r in fastest), default=0)
    ticks = _time_ticks(top)
    chart = bar_chart(
        [
            Bar(
                f"{r.word} · {r.player}",
                r.recognized_ms,
                seconds(r.recognized_ms),
                tooltip=f"{r.player} drew {r.word}: recognised after {seconds(r.recognized_ms)}",
            )
            for r in fastest
        ],
        title="Fastest recognitions",
        description="The rounds in which the model named the word soonest after it was shown.",
        max_value=ticks[-1][0],
        ticks=ticks,
    )
    context = {"models": models, "model": model, "fastest": fastest, "games": games, "chart": chart}
    return templates.TemplateResponse(request, "stats/leaderboard.html", context)


@router.get("/analytics", response_class=HTMLResponse)
def analytics_page(
    request: Request,
    session: SessionDep,
    model: Annotated[DbId | None, Query()] = None,
    category: Annotated[str | None, Query()] = None,
    min_rounds: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    sort: Annotated[WordSort, Query()] = WordSort.hardest,
) -> HTMLResponse:
    """Which words and categories are hardest for the machine, per model version and category."""
    models = analytics.model_versions(session)
    model = _known_model(models, model)
    categories = WordRepository(session).list_categories()
    category = category if any(c.slug == category for c in categories) else None
    words = analytics.word_difficulty(
        session, model_id=model, category=category, min_rounds=min_rounds, sort=sort
    )
    hardest = analytics.word_difficulty(
        session, model_id=model, category=category, min_rounds=min_rounds, sort=WordSort.hardest
    )
    per_category = analytics.category_difficulty(session, model_id=model)
    context = {
        "models": models,
        "model": model,
        "categories": categories,
        "category": category,
        "min_rounds": min_rounds,
        "sort": sort,
        "sorts": list(WordSort),
        "words": words,
        "per_category": per_category,
        "rate_chart": rate_chart(hardest[:CHART_WORDS], "Recognition rate per word, hardest first"),
        "time_chart": time_chart(per_category, "Median time to recognition per category"),
        "word_href": word_href,
    }
    return templates.TemplateResponse(request, "stats/analytics.html", context)
