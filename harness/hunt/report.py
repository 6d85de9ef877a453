"""DIR/report.md for a hunt: the runs spent, every distinct failure with its minimal
schedule, story, boundary and re-fly check, and ``hunt_margins.png`` -- each run's margin
in the order flown, failures marked, so the climb toward a failure shows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from harness.campaign.store import Store
from harness.hunt.ledger import HUNT_JSON
from harness.hunt.plan import TARGETS, Hunt

PLOT_NAME = "hunt_margins.png"


def write_report(hunt: Hunt, store: Store, directory: Path) -> Path:
    path = directory / HUNT_JSON
    data: dict[str, Any] = json.loads(path.read_text()) if path.is_file() else {"failures": []}
    rows = store.rows("status != 'pending'")
    counts: dict[str, int] = {}
    for r in rows:
        k = r["verdict"] or r["status"]
        counts[k] = counts.get(k, 0) + 1
    lines = [
        f"# Hunt `{hunt.name}` — {hunt.profile}",
        "",
        f"Hunt file `{hunt.path}`, base scenario `{hunt.scenario_path}`, property"
        f" `{hunt.predicate.text}`, margins climbed: {', '.join(hunt.targets)}.",
        f"Space: {len(hunt.space.kinds)} kinds ({', '.join(k.name for k in hunt.space.kinds)}),"
        f" at most {hunt.space.max_faults} at once.",
        "",
        f"**Runs spent: {len(rows)}** ({', '.join(f'{k} {n}' for k, n in sorted(counts.items()))});"
        f" first failure at run {data.get('first_failure_run')};"
        f" {len(data['failures'])} distinct failure(s), {data.get('duplicates', 0)} duplicate(s)"
        f" shrunk to faults already found. Stopped: {data.get('stopped')}.",
        "",
    ]
    for f in data["failures"]:
        lines += [f"## Failure {f['number']}: {f['verdict']} ({f['state']})", "", f["story"], ""]
        lines += ["| kind | into | values |", "|---|---|---|"]
        for t in f["schedule"]:
            vals = ", ".join(f"`{k} = {v}`" for k, v in t.items() if k not in ("into", "name"))
            lines.append(f"| {t['name']} | {t['into']} | {vals} |")
        b = f.get("boundary")
        if b:
            lines += [
                "",
                f"Boundary of `{b['param']}` by bisection ({b['runs']} runs):"
                f" {b['low']:,.6g}–{b['high']:,.6g} (critical {b['critical']:,.6g};"
                f" passes toward {b['passes_toward']:,.6g}). Shrunk value {b['shrunk']:,.6g}:"
                f" {100 * b['shrunk_off_boundary_frac']:.1f} % from the boundary."
                + (f" {b['note']}" if b.get("note") else ""),
            ]
        refly = f.get("refly") or {}
        if refly:
            lines += [
                "",
                f"Re-flown from `{f['scenario']}`: {refly['verdict']}"
                f" (same verdict: {refly['same_verdict']}, same telemetry:"
                f" {refly['same_telemetry']}); plots in `{refly['run_dir']}/`.",
            ]
        lines.append("")
    plot = _plot(hunt, rows, directory / PLOT_NAME)
    if plot is not None:
        lines += [f"![margins per run]({PLOT_NAME})", ""]
    out = directory / "report.md"
    out.write_text("\n".join(lines))
    return out


def _plot(hunt: Hunt, rows: list[Any], path: Path) -> Path | None:
    if not rows:
        return None
    import matplotlib

    from harness.campaign.store import RunRecord

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(
        len(hunt.targets), 1, figsize=(8, 2.6 * len(hunt.targets)), squeeze=False
    )
    recs: list[RunRecord] = [RunRecord.from_row(r) for r in rows]
    for ax, name in zip(axes[:, 0], hunt.targets, strict=True):
        pts: dict[bool, tuple[list[int], list[float]]] = {False: ([], []), True: ([], [])}
        for rec in recs:
            v = TARGETS[name](rec)
            if v is None:
                continue
            fails = rec.status == "done" and not hunt.passes(rec)
            pts[fails][0].append(rec.run_id)
            pts[fails][1].append(v)
        ax.scatter(*pts[False], s=10, label="holds")
        ax.scatter(*pts[True], s=14, color="red", label="fails")
        ax.set_ylabel(name)
        ys = pts[False][1] + pts[True][1]
        positive = [y for y in ys if y > 0]
        if ys and min(ys) >= 0 and positive and max(positive) / min(positive) > 100:
            ax.set_yscale("symlog")  # margins spanning decades (alt error 1e3 .. 1e5 m)
        ax.grid(alpha=0.3)
    axes[-1, 0].set_xlabel("run (in the order flown)")
    axes[0, 0].legend(loc="best", fontsize=8)
    axes[0, 0].set_title(f"hunt {hunt.name}: margins per run ({hunt.profile})")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
