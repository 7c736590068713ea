"""A job's variants in one run: one step per phase runs the phase for every variant partition the
run targets (a partition range `job|A … job|E`), side by side, and records each partition as
its own materialization with its own metadata and gate verdicts.

The asset bodies stay written for one job × variant. `each_variant` wraps a body: a run of one
partition calls it as it is; a run of several calls it once per partition, with a context that
answers that partition's key, that partition's upstream values and a call scope naming its job
and variant (so the gateway's ledger rows keep their variant), then hands Dagster one value per
partition (the IO manager stores a dict keyed by partition), the metadata per partition
(`add_asset_metadata(partition_key=…)`) and the gate verdicts per partition. Hand-written because
Dagster 1.13 has no per-partition `AssetCheckResult`: a step's check result is stored without a
partition unless the step targets exactly one, so the verdicts are logged as
`AssetCheckEvaluation` events carrying their partition.
"""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import dagster as dg

from creative_assets.defs.parallel import side_by_side
from creative_assets.gateway.scope import call_scope
from creative_assets.models import VARIANTS, Model
from creative_assets.partitions import job_variant_partitions

# Variants of one run made side by side: all of them, as five runs of one went side by side, so
# each step's provider calls overlap in one round (two at a time made three rounds, and a longer
# campaign). One process holding five variants needs less memory than five run workers did
# (benchmarks/results/one_run_2026-12-07.md).
VARIANTS_AT_ONCE = len(VARIANTS)


class _OnePartition:
    """The step's context as the body of one partition sees it; everything else is the step's."""

    def __init__(self, context: dg.AssetExecutionContext, key: dg.MultiPartitionKey) -> None:
        self._context = context
        self._key = key

    @property
    def partition_key(self) -> dg.MultiPartitionKey:
        return self._key

    @property
    def partition_keys(self) -> list[str]:
        return [str(self._key)]

    @property
    def has_partition_key(self) -> bool:
        return True

    def __getattr__(self, name: str) -> Any:
        return getattr(self._context, name)


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, Model)


def each_variant(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap an asset body written for one job × variant so that a run over several variant
    partitions runs it once per partition (module docstring). Upstream inputs are the parameters
    annotated with a model; in a run over several partitions a variant-level input arrives as a
    dict keyed by partition, so their annotations are relaxed for Dagster's type check."""
    hints = typing.get_type_hints(fn)
    signature = inspect.signature(fn)
    inputs = {name for name, hint in hints.items() if name != "return" and _is_model(hint)}
    parameters = [
        p.replace(annotation=Any if p.name in inputs else hints.get(p.name, p.annotation))
        for p in signature.parameters.values()
    ]

    @functools.wraps(fn)
    def wrapper(context: dg.AssetExecutionContext, **kwargs: Any) -> Iterator[Any]:
        keys = list(context.partition_keys)
        if len(keys) == 1:
            result = fn(context, **kwargs)
            if inspect.isgenerator(result):
                yield from result
            else:
                yield result
            return
        yield from _run_each(fn, context, keys, kwargs)

    wrapper.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=parameters, return_annotation=inspect.Signature.empty
    )
    wrapper.__annotations__ = {p.name: p.annotation for p in parameters}
    return wrapper


def _run_each(
    fn: Callable[..., Any], context: dg.AssetExecutionContext, keys: list[str], kwargs: Mapping[str, Any]
) -> Iterator[Any]:
    def one(key: str) -> tuple[list[Any], Exception | None]:
        """The partition's events, and what it raised after them (a body may yield the phases it
        finished before it raises, defs/chains.py)."""
        partition = job_variant_partitions.get_partition_key_from_str(key)
        dims = partition.keys_by_dimension
        args = {name: value[key] if isinstance(value, dict) else value for name, value in kwargs.items()}
        events: list[Any] = []
        try:
            with call_scope(job_id=dims["job"], variant=dims["variant"]):
                result = fn(_OnePartition(context, partition), **args)
                events.extend(result if inspect.isgenerator(result) else [result])
        except Exception as exc:
            return events, exc
        return events, None

    done = side_by_side(one, keys, name="variant", at_once=VARIANTS_AT_ONCE)
    error = next((exc for _, exc in done if exc is not None), None)
    events_by_key = dict(zip(keys, (events for events, _ in done), strict=True))
    assets_def = context.assets_def
    if error is not None:  # only what every partition made can be stored (one dict per output)
        events_by_key = _made_by_all(assets_def, events_by_key)
    values: dict[str, dict[str, Any]] = {}  # output name -> partition -> value, in yield order
    checks: list[tuple[str, dg.AssetCheckResult]] = []
    for key, events in events_by_key.items():
        for event in events:
            if isinstance(event, dg.MaterializeResult):
                asset_key = event.asset_key or assets_def.key
                output, value, metadata = (
                    assets_def.get_output_name_for_asset_key(asset_key),
                    event.value,
                    event.metadata,
                )
                checks += [(key, c) for c in event.check_results or []]
            elif isinstance(event, dg.Output):
                asset_key = assets_def.keys_by_output_name[event.output_name]
                output, value, metadata = event.output_name, event.value, event.metadata
            elif isinstance(event, dg.AssetCheckResult):
                checks.append((key, event))
                continue
            else:
                raise TypeError(f"each_variant cannot place a {type(event).__name__} of {key}")
            values.setdefault(output, {})[key] = value
            context.add_asset_metadata(dict(metadata or {}), asset_key=asset_key, partition_key=key)
    for output, by_key in values.items():
        yield dg.Output(by_key, output_name=output)
    for key, result in checks:
        check_key = result.resolve_target_check_key(_check_names(assets_def))
        context.log_event(_evaluation(context, check_key, result, key))  # type: ignore[arg-type]
    if error is not None:
        raise error
    for check_key in context.selected_asset_check_keys:
        yield dg.Output(None, output_name=assets_def.get_output_name_for_asset_check_key(check_key))


def _key_of(assets_def: dg.AssetsDefinition, event: Any) -> dg.AssetKey | None:
    if isinstance(event, dg.MaterializeResult):
        return event.asset_key or assets_def.key
    if isinstance(event, dg.Output):
        return assets_def.keys_by_output_name[event.output_name]
    if isinstance(event, dg.AssetCheckResult):
        return dg.AssetKey.from_coercible(event.asset_key) if event.asset_key else assets_def.key
    return None


def _made_by_all(
    assets_def: dg.AssetsDefinition, events_by_key: dict[str, list[Any]]
) -> dict[str, list[Any]]:
    """Each partition's events of the assets that every partition made (and their checks)."""
    made = [{_key_of(assets_def, e) for e in events} for events in events_by_key.values()]
    common = set.intersection(*made) if made else set()
    return {
        key: [e for e in events if _key_of(assets_def, e) in common] for key, events in events_by_key.items()
    }


def _check_names(assets_def: dg.AssetsDefinition) -> dict[dg.AssetKey, set[str]]:
    names: dict[dg.AssetKey, set[str]] = {}
    for key in assets_def.check_keys:
        names.setdefault(key.asset_key, set()).add(key.name)
    return names


def _evaluation(
    context: dg.AssetExecutionContext, check_key: dg.AssetCheckKey, result: dg.AssetCheckResult, key: str
) -> dg.AssetCheckEvaluation:
    """The verdict for one partition, pointing at that partition's materialization of this run."""
    from dagster._core.definitions.asset_checks.asset_check_evaluation import (
        AssetCheckEvaluationTargetMaterializationData,
    )

    records = context.instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=check_key.asset_key, asset_partitions=[key]), limit=1
    ).records
    target = (
        AssetCheckEvaluationTargetMaterializationData(
            storage_id=records[0].storage_id, run_id=records[0].run_id, timestamp=records[0].timestamp
        )
        if records
        else None
    )
    spec = context.assets_def.get_spec_for_check_key(check_key)
    return dg.AssetCheckEvaluation(
        asset_key=check_key.asset_key,
        check_name=check_key.name,
        passed=result.passed,
        metadata=result.metadata,
        target_materialization_data=target,
        severity=result.severity,
        description=result.description,
        blocking=spec.blocking,
        partition=key,
    )
