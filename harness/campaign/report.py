"""``campaign report DIR``: report.md and its PNGs, from the store alone.

Verdict counts and rates with Wilson 95 % intervals per profile; for a 1-D sweep the
soft-landing rate against the swept value with the boundary (where the rate crosses
one half) per profile; for a 2-D sweep heatmaps of the soft rate and the mean touchdown
speed; histograms of touchdown speed and propellant left; search brackets; the failing
runs with their rerun command. matplotlib is imported here only.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.campaign.plan import Campaign
from harness.campaign.search import Bracket, bracket_sentence
from harness.campaign.stats import wilson
from harness.campaign.store import Store

SOFT = "soft"
#: failing runs listed in report.md (all of them are in the store)
MAX_LISTED = 40


@dataclass(frozen=True)
class Rate:
    profile: str
    soft: int
    n: int

    @property
    def interval(self) -> tuple[float, float, float]:
        return wilson(self.soft, self.n)

    def sentence(self) -> str:
        p, lo, hi = self.interval
        return (
            f"{self.profile}: lands soft {self.soft} of {self.n} ({_pct(p)};"
            f" 95 % CI {_pct(lo)}–{_pct(hi)})"
        )


def _pct(x: float) -> str:
    return "n/a" if math.isnan(x) else f"{100 * x:.1f} %"


def rates(store: Store, profiles: tuple[str, ...]) -> list[Rate]:
    out = []
    for prof in profiles:
        row = store.db.execute(
            "SELECT SUM(verdict = 'soft'), COUNT(*) FROM runs"
            " WHERE profile = ? AND status != 'pending'",
            (prof,),
        ).fetchone()
        out.append(Rate(prof, int(row[0] or 0), int(row[1] or 0)))
    return out


def boundaries(
    campaign: Campaign, rows: list[Any]
) -> dict[str, tuple[list[float], list[float], float | None, str]]:
    """1-D sweep: per profile, (values, soft rates, boundary, sentence)."""
    key = campaign.sweeps[0].key
    soft: dict[str, Counter[float]] = defaultdict(Counter)
    total: dict[str, Counter[float]] = defaultdict(Counter)
    for r in rows:
        x = float(json.loads(r["params"])[key])
        total[r["profile"]][x] += 1
        soft[r["profile"]][x] += r["verdict"] == SOFT
    out = {}
    for prof in campaign.profiles:
        xs = sorted(total[prof])
        ys = [soft[prof][x] / total[prof][x] for x in xs]
        crossing = None
        sentence = f"{prof}: the soft rate does not cross 50 % over {key} in the sweep"
        for (x0, y0), (x1, y1) in zip(
            zip(xs, ys, strict=True), zip(xs[1:], ys[1:], strict=True), strict=False
        ):
            if (y0 < 0.5) != (y1 < 0.5):
                crossing = 0.5 * (x0 + x1)
                above = y1 >= 0.5
                sentence = (
                    f"{prof} lands soft (≥ 50 % of seeds) when {key} is"
                    f" {'above' if above else 'below'} ~{crossing:,.0f}: soft at"
                    f" {x1 if above else x0:,.6g}, not at {x0 if above else x1:,.6g}"
                )
                break
        out[prof] = (xs, ys, crossing, sentence)
    return out


def headline(campaign: Campaign, store: Store) -> list[str]:
    lines = [r.sentence() for r in rates(store, campaign.profiles)]
    counts = store.counts()
    odd = {k: v for k, v in counts.items() if k != "done"}
    if odd:
        lines.append("runs not done: " + ", ".join(f"{k} {v}" for k, v in sorted(odd.items())))
    if len(campaign.sweeps) == 1:
        rows = store.rows("status = 'done'")
        lines += [b[3] for b in boundaries(campaign, rows).values()]
    for s in store.searches():
        lines.append(bracket_sentence(_bracket(s), s["predicate"]))
    return lines


def _bracket(s: Any) -> Bracket:
    above = None if s["passes_above"] is None else bool(s["passes_above"])
    return Bracket(
        s["profile"], s["key"], s["low"], s["high"], above, s["repeats"], s["note"] or ""
    )


def write_report(campaign: Campaign, store: Store, directory: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    rows = store.rows("status != 'pending'")
    md = [f"# Campaign {campaign.name}", ""]
    md.append(f"Campaign file `{campaign.path}` (sha256 `{campaign.sha256[:12]}`), base scenario")
    md.append(
        f"`{campaign.scenario_path}`, master seed {campaign.seed},"
        f" FSW {campaign.fsw_kind or 'scenario default'}."
    )
    counts = store.counts()
    md.append("Runs: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) + ".")
    md += ["", "## Headline", ""] + [f"* {h}" for h in headline(campaign, store)]
    md += ["", "## Verdicts per profile (Wilson 95 % intervals)", ""]
    md += _verdict_table(campaign, rows)
    pngs = []
    if len(campaign.sweeps) == 1:
        pngs.append(_curve(campaign, rows, directory / "sweep_curve.png"))
    elif len(campaign.sweeps) == 2:
        pngs.append(_heatmaps(campaign, rows, directory / "sweep_heatmap.png"))
    if any(r["touchdown_vz_mps"] is not None for r in rows):
        pngs.append(_histograms(campaign, rows, directory / "touchdown_histograms.png"))
    if pngs:
        md += ["", "## Figures", ""] + [f"![{p.stem}]({p.name})" for p in pngs]
    md += ["", "## Runs that did not land soft", ""]
    bad = [r for r in rows if r["verdict"] != SOFT]
    if not bad:
        md.append("None.")
    else:
        md.append(f"{len(bad)} runs; the first {min(len(bad), MAX_LISTED)}:")
        md.append("")
        md.append("| run | profile | params | status | verdict | v_z m/s | rerun |")
        md.append("|---|---|---|---|---|---|---|")
        for r in bad[:MAX_LISTED]:
            vz = "" if r["touchdown_vz_mps"] is None else f"{r['touchdown_vz_mps']:.1f}"
            md.append(
                f"| {r['run_id']} | {r['profile']} | `{r['params']}` | {r['status']} |"
                f" {r['verdict'] or ''} | {vz} |"
                f" `lunar-hil campaign rerun {directory} {r['run_id']}` |"
            )
    out = directory / "report.md"
    out.write_text("\n".join(md) + "\n")
    return out


def _verdict_table(campaign: Campaign, rows: list[Any]) -> list[str]:
    verdicts = sorted({r["verdict"] or r["status"] for r in rows})
    md = ["| profile | runs | " + " | ".join(verdicts) + " | soft rate (95 % CI) |"]
    md.append("|---" * (len(verdicts) + 3) + "|")
    for prof in campaign.profiles:
        mine = [r for r in rows if r["profile"] == prof]
        c = Counter(r["verdict"] or r["status"] for r in mine)
        p, lo, hi = wilson(c[SOFT], len(mine))
        cells = " | ".join(str(c[v]) for v in verdicts)
        md.append(f"| {prof} | {len(mine)} | {cells} | {_pct(p)} ({_pct(lo)}–{_pct(hi)}) |")
    return md


def _curve(campaign: Campaign, rows: list[Any], path: Path) -> Path:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4.5))
    for prof, (xs, ys, crossing, _) in boundaries(
        campaign, [r for r in rows if r["status"] == "done"]
    ).items():
        (line,) = ax.plot(xs, [100 * y for y in ys], marker="o", ms=3, label=prof)
        if crossing is not None:
            ax.axvline(crossing, color=line.get_color(), ls="--", lw=1)
            ax.annotate(
                f"{crossing:,.0f}",
                (crossing, 50),
                color=line.get_color(),
                xytext=(4, 4),
                textcoords="offset points",
            )
    ax.set_xlabel(campaign.sweeps[0].key)
    ax.set_ylabel("soft landings (%)")
    ax.set_ylim(-5, 105)
    ax.grid(alpha=0.3)
    ax.legend()
    ax.set_title(f"{campaign.name}: soft-landing rate ({campaign.samples} seeds a point)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _heatmaps(campaign: Campaign, rows: list[Any], path: Path) -> Path:
    import matplotlib.pyplot as plt
    import numpy as np

    sx, sy = campaign.sweeps
    xs, ys = list(sx.values), list(sy.values)
    n = len(campaign.profiles)
    fig, axes = plt.subplots(n, 2, figsize=(11, 3.8 * n), squeeze=False)
    for i, prof in enumerate(campaign.profiles):
        soft = np.zeros((len(ys), len(xs)))
        speed = np.full((len(ys), len(xs)), np.nan)
        cnt = np.zeros((len(ys), len(xs)))
        sums = np.zeros((len(ys), len(xs)))
        for r in rows:
            if r["profile"] != prof or r["status"] != "done":
                continue
            params = json.loads(r["params"])
            ix, iy = xs.index(params[sx.key]), ys.index(params[sy.key])
            cnt[iy, ix] += 1
            soft[iy, ix] += r["verdict"] == SOFT
            if r["touchdown_vz_mps"] is not None:
                sums[iy, ix] += abs(r["touchdown_vz_mps"])
        with np.errstate(invalid="ignore", divide="ignore"):
            rate = np.where(cnt > 0, soft / cnt, np.nan)
            speed = np.where(cnt > 0, sums / cnt, np.nan)
        for ax, data, label, cmap in (
            (axes[i][0], 100 * rate, "soft landings (%)", "RdYlGn"),
            (axes[i][1], speed, "mean |touchdown v_z| (m/s)", "viridis"),
        ):
            im = ax.imshow(
                data,
                origin="lower",
                aspect="auto",
                cmap=cmap,
                extent=(-0.5, len(xs) - 0.5, -0.5, len(ys) - 0.5),
            )
            ax.set_xticks(range(len(xs)), [f"{x:g}" for x in xs], rotation=45, fontsize=7)
            ax.set_yticks(range(len(ys)), [f"{y:g}" for y in ys], fontsize=7)
            ax.set_xlabel(sx.key)
            ax.set_ylabel(sy.key)
            ax.set_title(f"{prof}: {label}")
            fig.colorbar(im, ax=ax)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _histograms(campaign: Campaign, rows: list[Any], path: Path) -> Path:
    import matplotlib.pyplot as plt
    import numpy as np

    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for ax, col, label, fold in (
        (axes[0], "touchdown_vz_mps", "|touchdown v_z| (m/s)", abs),
        (axes[1], "propellant_kg", "propellant left at touchdown (kg)", float),
    ):
        per = {
            prof: [fold(r[col]) for r in rows if r["profile"] == prof and r[col] is not None]
            for prof in campaign.profiles
        }
        every = [v for vs in per.values() for v in vs]
        if not every:
            continue
        lo, hi = min(every), max(every)
        bins = np.linspace(lo, hi if hi > lo else lo + 1.0, 61)  # one grid for every profile
        for prof, vs in per.items():
            if vs:
                ax.hist(vs, bins=bins, alpha=0.6, label=prof)
        ax.set_xlabel(label)
        ax.set_ylabel("runs")
        ax.legend()
        ax.grid(alpha=0.3)
    fig.suptitle(campaign.name)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
