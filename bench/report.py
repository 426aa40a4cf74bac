"""The page benchmark's tables and its verdict on the issue's targets (bench/README.md)."""

from __future__ import annotations

from bench.selection import PAGES

# Targets (issue 15), on the 2-core reference machine, medians of interleaved rounds.
NEW_LIMIT_MS = {"regional": 100.0, "national": 250.0}          # new selection, every page …
COUNCIL_LIMIT_MS = {"regional": 200.0, "national": 400.0}      # … but Педсовет
MINIMAL_FACTOR = 3.0          # regional: new selection ≤ 3 × (minimal SQL + floor)
NAIVE_FACTOR = 2.0            # regional and national: naive new selection ≥ 2 × the product's
CACHED_LIMIT_MS = 25.0
STATEMENTS_LIMIT = 4
COUNCIL_STATEMENTS_LIMIT = 10
COLD_TARGET_S = 1.5           # regional, the first load in a fresh process (issue 7)
SESSION_TARGET_MB = 5.0       # each extra session (issue 7)


def _n(value) -> str:
    return "—" if value is None else (f"{value:g}" if isinstance(value, (int, float)) else str(value))


def ratio(p: dict) -> float | None:
    return round(p["naive_new_ms"] / p["new_ms"], 2) if p.get("naive_new_ms") and p["new_ms"] else None


def scale_table(results: dict) -> str:
    lines = ["| scale | build, s | DB, MB | peak RSS (build / pages), MB | cold load, s | MB per extra session |",
             "|---|---|---|---|---|---|"]
    for scale, r in results.items():
        lines.append(f"| {scale} | {r['build_s']} | {r['db_mb']} | {r['build_rss_mb']} / "
                     f"{r['render_peak_rss_mb']} | {r['cold_first_load_s']} | {r['session_mb']} |")
    return "\n".join(lines)


def page_table(scale: str, result: dict) -> str:
    """One scale: every page's figures, ms (statements per run in their own column)."""
    lines = [f"**{scale}** (medians, ms; {_rounds(result)} interleaved rounds)", "",
             ("| page | floor | cached | first view | new selection | statements (new / first) "
              "| minimal SQL (statements) | naive new selection | naive / product |"),
             "|---|---|---|---|---|---|---|---|---|"]
    for name, p in result["pages"].items():
        if "error" in p:
            lines.append(f"| {PAGES[name].title} | failed: {p['error']} |" + " |" * 7)
            continue
        minimal = f"{p['minimal_ms']} ({p['minimal_statements']})" if "minimal_ms" in p else "—"
        r = ratio(p)
        lines.append(f"| {PAGES[name].title} | {p['floor_ms']} | {p['cached_ms']} | {p['first_ms']} | "
                     f"**{p['new_ms']}** | {_n(p['new_statements'])} / {_n(p['first_statements'])} | "
                     f"{minimal} | {_n(p.get('naive_new_ms'))} | {'—' if r is None else f'{r}×'} |")
    return "\n".join(lines)


def _rounds(result: dict) -> int:
    return min((p["rounds"] for p in result["pages"].values() if "rounds" in p), default=0)


def verdicts(scale: str, result: dict) -> list[str]:
    """The targets this scale misses, in words."""
    out = []
    for name, p in result["pages"].items():
        council = name == "council"
        title = PAGES[name].title
        if "error" in p:
            out.append(f"{scale}: {title} failed: {p['error']}")
            continue
        limit = (COUNCIL_LIMIT_MS if council else NEW_LIMIT_MS).get(scale)
        if limit is not None and p["new_ms"] > limit:
            out.append(f"{scale}: {title} new selection {p['new_ms']} ms > {limit:.0f} ms")
        if scale == "regional" and "minimal_ms" in p:
            bound = MINIMAL_FACTOR * (p["minimal_ms"] + p["floor_ms"])
            if p["new_ms"] > bound:
                out.append(f"{scale}: {title} new selection {p['new_ms']} ms > 3 × (minimal SQL "
                           f"{p['minimal_ms']} + floor {p['floor_ms']}) = {bound:.0f} ms")
        r = ratio(p)
        if scale in NEW_LIMIT_MS and r is not None and r < NAIVE_FACTOR:
            out.append(f"{scale}: {title} only {r}× faster than the naive app on a new selection "
                       f"({p['new_ms']} against {p['naive_new_ms']} ms; target ≥ {NAIVE_FACTOR:g}×)")
        if p["cached_ms"] > CACHED_LIMIT_MS:
            out.append(f"{scale}: {title} cached rerun {p['cached_ms']} ms > {CACHED_LIMIT_MS:g} ms")
        most = COUNCIL_STATEMENTS_LIMIT if council else STATEMENTS_LIMIT
        if p["new_statements"] > most:
            out.append(f"{scale}: {title} {_n(p['new_statements'])} statements per new selection > {most}")
    if scale == "regional" and result["cold_first_load_s"] > COLD_TARGET_S:
        out.append(f"regional: cold first load {result['cold_first_load_s']} s > {COLD_TARGET_S} s")
    if result["session_mb"] > SESSION_TARGET_MB:
        out.append(f"{scale}: an extra session adds {result['session_mb']} MB > {SESSION_TARGET_MB} MB")
    return out
