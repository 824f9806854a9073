"""The `trial:` section of study.yaml: randomisation, consent witnessing and follow-up (no Qt).

```yaml
trial:
  consent_witness: optional          # required | optional | none
  randomisation:
    arms: [intervention, control]
    stratify_by: bg_gender           # a baseline single-choice item; its answer picks the stratum
    strata:                          # stratum id -> its answer codes, or codes and a label
      women: {codes: [1], label: {nb: Kvinner, en: Women, ar: النساء}}
      men: [2, 3]                    # no label: staff screens show the id "men"
    block_multiples: [1, 2, 3]       # block size = multiple x sum of the ratio (undisclosed)
    slots_per_laptop: 60             # per stratum and period, for periods that end on a date
    periods:
      - ratio: {intervention: 2, control: 1}
        until: {date: "2025-06-01"}  # or {count: 60}: allocations per stratum over all laptops
      - ratio: {intervention: 1, control: 1}
  followup:
    followup-12m: {after_days: 365, window_days: 60}
```
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any

from survey_app.forms.languages import LANGUAGES
from survey_app.forms.yamlsource import Node

Problem = Callable[[int, str, str], None]

WITNESS_RULES = ("required", "optional", "none")
_NAME = re.compile(r"[a-z][a-z0-9_-]{0,29}")
_CODE = re.compile(r"-?\d{1,6}")
MAX_SLOTS = 5000
MAX_RATIO = 10


@dataclass(frozen=True)
class Period:
    """One allocation period: its ratio and where it ends (a date, a count, or never)."""

    index: int
    ratio: MappingProxyType  # arm -> weight
    until_date: str | None = None
    until_count: int | None = None

    @property
    def base_block(self) -> int:
        """The smallest block that holds the ratio exactly (e.g. 3 for 2:1)."""
        return sum(self.ratio.values())

    def to_json(self) -> dict[str, Any]:
        """A plain description (recorded in lists and the seed record)."""
        return {
            "index": self.index,
            "ratio": dict(self.ratio),
            "until_date": self.until_date,
            "until_count": self.until_count,
        }


@dataclass(frozen=True)
class Randomisation:
    """Concealed, stratified block randomisation settings."""

    arms: tuple[str, ...]
    stratify_by: str | None
    strata: MappingProxyType  # stratum name -> tuple of item codes
    block_multiples: tuple[int, ...]
    slots_per_laptop: int
    periods: tuple[Period, ...]

    def stratum_for(self, code: object) -> str | None:
        """The stratum an answer code of the stratification item belongs to (None: unknown)."""
        if self.stratify_by is None:
            return next(iter(self.strata))
        for name, codes in self.strata.items():
            if code in codes:
                return name
        return None

    def to_json(self) -> dict[str, Any]:
        """A plain description of the settings (recorded with the lists)."""
        return {
            "arms": list(self.arms),
            "stratify_by": self.stratify_by,
            "strata": {k: list(v) for k, v in self.strata.items()},
            "block_multiples": list(self.block_multiples),
            "slots_per_laptop": self.slots_per_laptop,
            "periods": [p.to_json() for p in self.periods],
        }


@dataclass(frozen=True)
class FollowUp:
    """When a timepoint is due after the participant's baseline."""

    timepoint: str
    after_days: int
    window_days: int


@dataclass(frozen=True)
class TrialConfig:
    """Everything in the `trial:` section."""

    consent_witness: str = "optional"
    randomisation: Randomisation | None = None
    followup: tuple[FollowUp, ...] = ()
    # What each arm means, in the participant's words, for allocation letters (per language).
    arm_texts: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    # What staff screens call each stratum, per language. Kept out of Randomisation: lists and
    # seed records describe strata by id only, so a relabelled stratum is the same stratum.
    stratum_labels: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))

    def arm_text(self, arm: str, language: str) -> str:
        """The study's description of an arm in a language (English, else the arm id)."""
        texts = self.arm_texts.get(arm) or {}
        return texts.get(language) or texts.get("en") or arm

    def stratum_label(self, stratum: str, language: str) -> str:
        """What staff call a stratum in a language (the stratum id when the study gives none)."""
        return (self.stratum_labels.get(stratum) or {}).get(language) or stratum


def _frozen(texts: dict[str, dict[str, str]]) -> MappingProxyType:
    return MappingProxyType({k: MappingProxyType(v) for k, v in texts.items()})


def read_trial(node: Node, problem: Problem) -> TrialConfig | None:
    """Read the `trial:` mapping; report every problem through problem(line, field, message)."""
    reader = _Reader(problem)
    return reader.trial(node)


class _Reader:
    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.count = 0
        self.stratum_labels: dict[str, dict[str, str]] = {}

    def report(self, line: int, field: str, message: str) -> None:
        self.count += 1
        self.problem(line, field, message)

    def mapping(self, node: Node, field: str, known: set[str]) -> dict[str, Node] | None:
        if not node.is_map:
            self.report(node.line, field, "expected a mapping")
            return None
        fields: dict[str, Node] = node.value  # type: ignore[assignment]
        for key in sorted(set(fields) - known):
            self.report(fields[key].line, f"{field}.{key}", "unknown setting")
        return fields

    def integer(self, node: Node, field: str, low: int, high: int) -> int | None:
        if not node.is_text or not re.fullmatch(r"\d+", str(node.value)):
            self.report(node.line, field, f"must be a whole number from {low} to {high}")
            return None
        value = int(str(node.value))
        if not low <= value <= high:
            self.report(node.line, field, f"must be a whole number from {low} to {high}")
            return None
        return value

    def name(self, node: Node, field: str) -> str | None:
        if not node.is_text or not _NAME.fullmatch(str(node.value)):
            self.report(
                node.line, field, "use 1-30 lower-case letters, digits, '-' or '_' (a letter first)"
            )
            return None
        return str(node.value)

    def trial(self, node: Node) -> TrialConfig | None:
        known = {"consent_witness", "randomisation", "followup", "arm_texts"}
        fields = self.mapping(node, "trial", known)
        if fields is None:
            return None
        witness = "optional"
        if "consent_witness" in fields:
            value = fields["consent_witness"]
            if not value.is_text or value.value not in WITNESS_RULES:
                self.report(
                    value.line, "trial.consent_witness", f"use one of {', '.join(WITNESS_RULES)}"
                )
            else:
                witness = str(value.value)
        randomisation = None
        if "randomisation" in fields:
            randomisation = self.randomisation(fields["randomisation"])
        followup: tuple[FollowUp, ...] = ()
        if "followup" in fields:
            followup = self.followup(fields["followup"])
        arm_texts: dict[str, dict[str, str]] = {}
        if "arm_texts" in fields:
            arm_texts = self.arm_texts(fields["arm_texts"])
        if self.count:
            return None
        return TrialConfig(
            witness, randomisation, followup, _frozen(arm_texts), _frozen(self.stratum_labels)
        )

    def arm_texts(self, node: Node) -> dict[str, dict[str, str]]:
        fields = self.mapping(node, "trial.arm_texts", set(node.value) if node.is_map else set())
        out: dict[str, dict[str, str]] = {}
        for arm, texts in (fields or {}).items():
            out[arm] = self.language_texts(texts, f"trial.arm_texts.{arm}")
        return out

    def language_texts(self, node: Node, where: str) -> dict[str, str]:
        """A mapping language -> non-empty text, for the languages forms are written in."""
        if not node.is_map:
            self.report(node.line, where, f"map languages ({', '.join(LANGUAGES)}) to texts")
            return {}
        out: dict[str, str] = {}
        for language, text in node.value.items():  # type: ignore[union-attr]
            if language not in LANGUAGES:
                self.report(
                    text.line,
                    f"{where}.{language}",
                    f"unknown language '{language}'; use {', '.join(LANGUAGES)}",
                )
            elif not text.is_text or not str(text.value).strip():
                self.report(text.line, f"{where}.{language}", "must be non-empty text")
            else:
                out[language] = str(text.value).strip()
        return out

    def randomisation(self, node: Node) -> Randomisation | None:
        where = "trial.randomisation"
        known = {"arms", "stratify_by", "strata", "block_multiples", "slots_per_laptop", "periods"}
        fields = self.mapping(node, where, known)
        if fields is None:
            return None
        for key in ("arms", "periods"):
            if key not in fields:
                self.report(node.line, f"{where}.{key}", "missing")
        arms = self.arms(fields.get("arms"), f"{where}.arms")
        stratify_by = None
        if "stratify_by" in fields:
            stratify_by = self.name(fields["stratify_by"], f"{where}.stratify_by")
        strata = self.strata(fields.get("strata"), f"{where}.strata")
        if (stratify_by is None) != (not strata) and "stratify_by" in fields:
            self.report(node.line, f"{where}.strata", "stratify_by needs strata, and the reverse")
        if strata and "stratify_by" not in fields:
            self.report(node.line, f"{where}.stratify_by", "strata need the item they come from")
        multiples = self.multiples(fields.get("block_multiples"), f"{where}.block_multiples")
        slots = 60
        if "slots_per_laptop" in fields:
            field = f"{where}.slots_per_laptop"
            slots = self.integer(fields["slots_per_laptop"], field, 1, MAX_SLOTS) or 0
        periods = self.periods(fields.get("periods"), f"{where}.periods", arms)
        if self.count:
            return None
        return Randomisation(
            arms=arms,
            stratify_by=stratify_by,
            strata=MappingProxyType(strata or {"all": ()}),
            block_multiples=multiples,
            slots_per_laptop=slots,
            periods=periods,
        )

    def arms(self, node: Node | None, field: str) -> tuple[str, ...]:
        if node is None:
            return ()
        if not node.is_list or len(node.value) < 2:  # type: ignore[arg-type]
            self.report(node.line, field, "list at least two arms")
            return ()
        names = [self.name(n, field) for n in node.value]  # type: ignore[union-attr]
        if len(set(names)) != len(names):
            self.report(node.line, field, "an arm is listed twice")
        return tuple(n for n in names if n)

    def strata(self, node: Node | None, field: str) -> dict[str, tuple[int, ...]]:
        if node is None:
            return {}
        if not node.is_map or len(node.value) < 2:  # type: ignore[arg-type]
            self.report(node.line, field, "map at least two strata to their answer codes")
            return {}
        out: dict[str, tuple[int, ...]] = {}
        seen: set[int] = set()
        for key, given in node.value.items():  # type: ignore[union-attr]
            name = self.name(Node(key, given.line), f"{field}.{key}")
            codes = self.stratum_codes(given, f"{field}.{key}", name)
            if codes is None:
                continue
            if not codes.is_list or not codes.value:
                self.report(codes.line, f"{field}.{key}", "list the answer codes of this stratum")
                continue
            values = []
            for code in codes.value:  # type: ignore[union-attr]
                if not code.is_text or not _CODE.fullmatch(str(code.value)):
                    self.report(code.line, f"{field}.{key}", "answer codes are whole numbers")
                    continue
                number = int(str(code.value))
                if number in seen:
                    self.report(code.line, f"{field}.{key}", f"code {number} is in two strata")
                seen.add(number)
                values.append(number)
            if name:
                out[name] = tuple(values)
        self.distinct_labels(node.line, field)
        return out

    def distinct_labels(self, line: int, field: str) -> None:
        """Staff choose a stratum by its label: two strata may not read the same."""
        for language in LANGUAGES:
            shown = [t[language] for t in self.stratum_labels.values() if language in t]
            for label in sorted({t for t in shown if shown.count(t) > 1}):
                self.report(line, field, f"two strata have the {language} label '{label}'")

    def stratum_codes(self, node: Node, field: str, name: str | None) -> Node | None:
        """A stratum's answer codes, short (`[2, 3]`) or with a label (`{codes: .., label: ..}`)."""
        if not node.is_map:
            return node
        fields = self.mapping(node, field, {"codes", "label"})
        if fields is None:
            return None
        if "label" in fields:
            labels = self.language_texts(fields["label"], f"{field}.label")
            if name and labels:
                self.stratum_labels[name] = labels
        if "codes" not in fields:
            self.report(node.line, f"{field}.codes", "missing: list the answer codes")
            return None
        return fields["codes"]

    def multiples(self, node: Node | None, field: str) -> tuple[int, ...]:
        if node is None:
            return (1, 2, 3)
        if not node.is_list or not node.value:
            self.report(node.line, field, "list one or more whole numbers from 1 to 10")
            return (1,)
        values = [self.integer(n, field, 1, 10) for n in node.value]  # type: ignore[union-attr]
        return tuple(sorted({v for v in values if v}))

    def periods(self, node: Node | None, field: str, arms: tuple[str, ...]) -> tuple[Period, ...]:
        if node is None:
            return ()
        if not node.is_list or not node.value:
            self.report(node.line, field, "list one or more periods")
            return ()
        periods: list[Period] = []
        items: list[Node] = node.value  # type: ignore[assignment]
        for index, item in enumerate(items, 1):
            where = f"{field}[{index}]"
            fields = self.mapping(item, where, {"ratio", "until"})
            if fields is None:
                continue
            ratio = self.ratio(fields.get("ratio"), f"{where}.ratio", arms, item.line)
            until_date, until_count = None, None
            last = index == len(items)
            if "until" in fields:
                if last:
                    self.report(
                        fields["until"].line,
                        f"{where}.until",
                        "remove it: the last period runs to the end of the trial",
                    )
                until_date, until_count = self.until(fields["until"], f"{where}.until")
            elif not last:
                self.report(item.line, f"{where}.until", "missing: say when this period ends")
            earlier = periods[-1].until_date if periods else None
            if until_date and earlier and until_date <= earlier:
                self.report(fields["until"].line, f"{where}.until", "dates must increase")
            periods.append(Period(index, MappingProxyType(ratio), until_date, until_count))
        return tuple(periods)

    def ratio(self, node: Node | None, field: str, arms: tuple[str, ...], line: int) -> dict:
        if node is None:
            self.report(line, field, "missing")
            return {}
        fields = self.mapping(node, field, set(arms))
        if fields is None:
            return {}
        ratio = {}
        for arm in arms:
            if arm not in fields:
                self.report(node.line, f"{field}.{arm}", "missing: give every arm a weight")
                continue
            weight = self.integer(fields[arm], f"{field}.{arm}", 1, MAX_RATIO)
            if weight:
                ratio[arm] = weight
        return ratio

    def until(self, node: Node, field: str) -> tuple[str | None, int | None]:
        fields = self.mapping(node, field, {"date", "count"})
        if fields is None:
            return None, None
        if len(fields) != 1:
            self.report(node.line, field, "give either a date or a count")
            return None, None
        if "count" in fields:
            return None, self.integer(fields["count"], f"{field}.count", 1, MAX_SLOTS)
        value = str(fields["date"].value)
        try:
            date.fromisoformat(value)
        except ValueError:
            self.report(fields["date"].line, f"{field}.date", "use a date like 2025-06-01")
            return None, None
        return value, None

    def followup(self, node: Node) -> tuple[FollowUp, ...]:
        if not node.is_map:
            self.report(node.line, "trial.followup", "map each follow-up timepoint to its timing")
            return ()
        out = []
        for timepoint, timing in node.value.items():  # type: ignore[union-attr]
            where = f"trial.followup.{timepoint}"
            fields = self.mapping(timing, where, {"after_days", "window_days"})
            if fields is None:
                continue
            if "after_days" not in fields:
                self.report(timing.line, f"{where}.after_days", "missing")
                continue
            after = self.integer(fields["after_days"], f"{where}.after_days", 1, 3650)
            window = 30
            if "window_days" in fields:
                window = self.integer(fields["window_days"], f"{where}.window_days", 0, 365) or 0
            if after:
                out.append(FollowUp(str(timepoint), after, window))
        return tuple(out)
