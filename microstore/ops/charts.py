"""Small line charts drawn on the server as SVG path data (no chart library, no script).

The template owns the look (colours come from the theme's CSS custom properties); this module
only turns a series into coordinates and labels.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

WIDTH = 300
HEIGHT = 80
TOP = 4  # room for the stroke at the peak


@dataclass(frozen=True)
class Chart:
    title: str
    line: str  # SVG path data of the line (gaps where a value is missing)
    area: str  # the same, closed along the bottom, for the fill
    peak: str  # the top of the scale, formatted
    latest: str  # the last value, formatted ("–" when missing)
    summary: str  # a sentence for screen readers
    width: int = WIDTH
    height: int = HEIGHT
    top: int = TOP


def line_chart(
    title: str, values: Sequence[float | None], fmt: Callable[[float], str], minutes: int
) -> Chart:
    """A chart of `values` (one per minute, oldest first); None leaves a gap."""
    known = [v for v in values if v is not None]
    peak = max(known, default=0.0)
    scale = peak or 1.0
    step = WIDTH / max(len(values) - 1, 1)
    lines: list[str] = []
    areas: list[str] = []
    run: list[tuple[float, float]] = []

    def close_run() -> None:
        if not run:
            return
        points = " L".join(f"{x:.1f},{y:.1f}" for x, y in run)
        # A lone minute (gaps either side) still shows: a dot drawn by the round line cap.
        lines.append(f"M{points}" + (" h0.1" if len(run) == 1 else ""))
        areas.append(f"M{run[0][0]:.1f},{HEIGHT} L{points} L{run[-1][0]:.1f},{HEIGHT} Z")
        run.clear()

    for i, value in enumerate(values):
        if value is None:
            close_run()
            continue
        run.append((i * step, HEIGHT - (HEIGHT - TOP) * value / scale))
    close_run()
    latest = values[-1] if values else None
    shown = "–" if latest is None else fmt(latest)
    summary = (
        f"{title} over the last {minutes} minutes: peak {fmt(peak)}, latest {shown}."
        if known
        else f"{title}: nothing recorded in the last {minutes} minutes."
    )
    return Chart(title, " ".join(lines), " ".join(areas), fmt(peak), shown, summary)
