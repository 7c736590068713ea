"""What a reliability run left behind, read back: the creatives of a campaign by outcome, the
fallbacks used, the gateway's ledger, and the ledger against the simulator's bill."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

JOB = "bench-rel"


def ledger(state: Path) -> list[Any]:
    from creative_assets.gateway.store import StateStore

    path = state / "gateway.db"
    return StateStore(f"sqlite:///{path}").entries() if path.exists() else []


def creatives(storage: Path, job_id: str) -> tuple[int, Counter[str], Counter[str], Counter[str]]:
    """Creatives finished (rendered: not failed by a provider call), failed ones by reason,
    fallbacks used by what made them, and the finished ones by status."""
    finished, failed, fallbacks, statuses = 0, Counter[str](), Counter[str](), Counter[str]()
    for variant in "ABCDE":
        path = storage / "final_creatives" / job_id / variant / "record.json"
        if not path.exists():
            failed[f"variant {variant}: no creatives (its run failed)"] += 4
            continue
        records = json.loads(path.read_text())["data"].get("creatives", [])
        for creative in records:
            failure = creative.get("failure")
            if failure or not creative.get("file"):
                failed[reason(failure or {})] += 1
            else:
                finished += 1
                statuses[creative.get("status")] += 1
            if creative.get("fallback"):
                fallbacks[f"creative: {creative['fallback']}"] += 1
        if len(records) < 4:
            failed[f"variant {variant}: creatives missing from its record"] += 4 - len(records)
        base = storage / "base_images" / job_id / variant / "record.json"
        if base.exists():
            for image in json.loads(base.read_text())["data"].get("images", []):
                if image.get("provider") != "bfl" or image.get("fallback"):
                    fallbacks[f"base image by {image.get('provider')}: {image.get('fallback')}"] += 1
                if image.get("softened_prompt"):
                    fallbacks["base image from the softened prompt (moderated twice)"] += 1
        for creative in records:
            for rendition in creative.get("renditions", []):
                for attempt in rendition.get("attempts", []):
                    if str(attempt.get("overlay_provider") or "").startswith("local"):
                        fallbacks["overlay typeset locally (the gates' designed retry, not a fault)"] += 1
    return finished, failed, fallbacks, statuses


def reason(failure: dict[str, Any]) -> str:
    where = f"{failure.get('call')} ({failure.get('provider')}) in {failure.get('step')}"
    return f"[{failure.get('code')}] {where}"


def print_creatives(storage: Path) -> int:
    finished, failed, fallbacks, statuses = creatives(storage, JOB)
    print(f"    creatives finished {finished}/20 {dict(statuses)}, failed {sum(failed.values())}:")
    print(f"      {dict(failed) or '-'}")
    print(f"    fallbacks used: {dict(fallbacks) or 'none'}")
    return finished


def paid_twice(rows: list[Any], stats: dict[str, Any]) -> tuple[int, int]:
    """(BFL tasks billed, distinct image requests paid for): without faults they must be equal."""
    billed_tasks = int(stats["endpoints"]["bfl.submit"]["responses"].get("200", 0))
    paid = {r.flight_key for r in rows if r.provider == "bfl" and r.cost_usd > 0 and not r.cached}
    return billed_tasks, len(paid)


def money(rows: list[Any], stats: dict[str, Any]) -> str:
    spent = round(sum(r.cost_usd for r in rows if not r.cached), 6)
    billed = round(stats["totals"]["billed_usd"], 6)
    estimated = [r for r in rows if r.cost_estimated]
    over = round(sum(r.cost_usd for r in estimated), 6)
    paid_rows = len([r for r in rows if r.cost_usd > 0])
    verdict = "equal" if spent == billed else f"differs by ${spent - billed:+.6f}"
    why = "cut-off answers, a killed process's reservations"
    note = f"; {len(estimated)} rows at an upper bound (${over:.4f}: {why})" if estimated else ""
    return f"ledger ${spent:.4f} on {paid_rows} paid rows vs billed ${billed:.4f}: {verdict}{note}"
