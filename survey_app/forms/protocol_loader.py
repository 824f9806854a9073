"""Strict loading of the study protocol: timepoints and the forms each one shows, in order."""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

from survey_app.forms.findings import Finding
from survey_app.forms.model import LANGUAGES, TIMEPOINTS, LocalText, Protocol, Step, Timepoint
from survey_app.forms.sources import FormSource, NodeReader, content_hash, open_source
from survey_app.forms.yamlsource import Node, SourceError, read_yaml

ARMS = ("intervention", "control")


def load_protocol(path: Path) -> tuple[Protocol | None, list[Finding]]:
    """Load the study protocol (timepoints and their forms); references are checked later."""
    protocol, findings, _ = read_protocol(path)
    return protocol, findings


def read_protocol(path: Path) -> tuple[Protocol | None, list[Finding], FormSource]:
    """Load the protocol and also return its located texts for the checker."""
    reader, root, raw = open_source(path)
    findings, sink, source = reader.sink.findings, reader.sink, reader.source
    if root is None:
        return None, findings, source
    allowed = {"study_id", "version", "title", "pcl_cutoff", "timepoints", "languages"}
    if not reader.keys(root, allowed, {"study_id", "version", "title", "timepoints"}, "protocol"):
        return None, findings, source
    m: dict[str, Node] = root.value  # type: ignore[assignment]
    timepoints: dict[str, Timepoint] = {}
    tp_node = m.get("timepoints")
    if tp_node is not None and tp_node.is_map:
        for tp_id, node in tp_node.value.items():  # type: ignore[union-attr]
            if tp_id not in TIMEPOINTS:
                sink.error(
                    node.line,
                    f"unknown timepoint '{tp_id}' (known: {', '.join(TIMEPOINTS)})",
                )
                continue
            timepoint = _read_timepoint(reader, tp_id, node)
            if timepoint is not None:
                timepoints[tp_id] = timepoint
    elif tp_node is not None:
        sink.error(tp_node.line, "timepoints: expected a mapping")
    cutoff = reader.integer(m.get("pcl_cutoff"), "pcl_cutoff")
    if cutoff is not None and not 0 <= cutoff <= 80:
        sink.error(m["pcl_cutoff"].line, f"pcl_cutoff {cutoff} is outside the PCL-5 range 0-80")
    languages = (
        tuple(reader.text(n, "languages") for n in m["languages"].value)
        if ("languages" in m and m["languages"].is_list)
        else LANGUAGES
    )
    for language in languages:
        if language not in LANGUAGES:
            sink.error(m["languages"].line, f"languages: unknown language '{language}'")
    protocol = Protocol(
        study_id=reader.text(m.get("study_id"), "study_id"),
        title=reader.local_text(m.get("title"), "title") or LocalText({}),
        version=reader.text(m.get("version"), "version"),
        timepoints=MappingProxyType(timepoints),
        languages=tuple(lang for lang in languages if lang in LANGUAGES),
        pcl_cutoff=cutoff if cutoff is not None else 33,
        content_hash=content_hash(raw),
        path=str(path),
    )
    return protocol, findings, source


def _read_timepoint(reader: NodeReader, tp_id: str, node: Node) -> Timepoint | None:
    where = f"timepoint '{tp_id}'"
    if not reader.keys(node, {"label", "steps"}, {"label", "steps"}, where):
        return None
    m: dict[str, Node] = node.value  # type: ignore[assignment]

    def read_step(step_node: Node, index: int) -> Step | None:
        if step_node.is_text:
            return Step(step_node.value, None)  # type: ignore[arg-type]
        step_where = f"{where} step {index + 1}"
        if not reader.keys(step_node, {"form", "only_arm"}, {"form"}, step_where):
            return None
        sm: dict[str, Node] = step_node.value  # type: ignore[assignment]
        arm = reader.text(sm.get("only_arm"), f"{step_where} only_arm") or None
        if arm is not None and arm not in ARMS:
            reader.sink.error(sm["only_arm"].line, f"{step_where}: arm must be one of {ARMS}")
        return Step(reader.text(sm["form"], f"{step_where} form"), arm)

    steps = reader.listed(m.get("steps"), f"{where} steps", read_step)
    return Timepoint(
        tp_id, reader.local_text(m.get("label"), f"{where} label") or LocalText({}), tuple(steps)
    )


def step_lines(path: Path) -> dict[tuple[str, str], int]:
    """Return the line of each (timepoint, form id) step, for located protocol findings."""
    try:
        root, _ = read_yaml(path)
    except SourceError:
        return {}
    lines: dict[tuple[str, str], int] = {}
    tp_node = root.value.get("timepoints") if root.is_map else None  # type: ignore[union-attr]
    if tp_node is None or not tp_node.is_map:
        return lines
    for tp_id, node in tp_node.value.items():  # type: ignore[union-attr]
        steps = node.value.get("steps") if node.is_map else None  # type: ignore[union-attr]
        if steps is None or not steps.is_list:
            continue
        for step in steps.value:  # type: ignore[union-attr]
            form_node = step if step.is_text else step.value.get("form") if step.is_map else None  # type: ignore[union-attr]
            if form_node is not None and form_node.is_text:
                lines[(tp_id, form_node.value)] = form_node.line  # type: ignore[index]
    return lines
