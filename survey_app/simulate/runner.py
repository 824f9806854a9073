"""Drive synthetic meetings through the DeviceStore API exactly as the UI does."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from survey_app.answers.codes import code_number, make_code
from survey_app.forms.logic import acceptable, form_state
from survey_app.forms.model import Form, ItemType
from survey_app.simulate.generator import (
    Profile,
    answer_value,
    draw_language,
    draw_profile,
    item_outcome,
)
from survey_app.store import DeviceStore, InvalidAnswer
from survey_app.study import Study

MAX_TRIES = 20  # draws of a value before a constraint-breaking item is skipped
STAFF = ("AB", "KH", "MS", "RT")
PLACES = ("Allmøte, skolen", "Jobbsenteret, møterom 2", "Introsenteret")
MEETING_SIZE = (6, 14)
FOLLOWUP_SHARE = 0.25
DECLINED_CONSENT_SHARE = 0.05
INTERPRETER_SHARE = 0.3
PAPER_SHARE = 0.1
LANGUAGE_SWITCH_SHARE = 0.05
REVIEW_CHANGE_SHARE = 0.05
ARMS = ("intervention", "control")
FIRST_MEETING = datetime(2025, 1, 14, 17, 0, tzinfo=UTC)


class SimClock:
    """A clock the simulation moves forward: meetings in the evening, seconds per answer."""

    def __init__(self, start: datetime = FIRST_MEETING) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move time forward."""
        self.now += timedelta(seconds=seconds)


@dataclass
class SimulationReport:
    """Counts only: what was simulated (no codes, no answers)."""

    meetings: int = 0
    sessions: int = 0
    completed: int = 0
    declined: int = 0
    answers: int = 0
    declined_items: int = 0
    missing_items: int = 0
    interpreter_assisted: int = 0
    paper: int = 0
    language_switches: int = 0
    changed_answers: int = 0
    by_language: Counter[str] = field(default_factory=Counter)
    by_timepoint: Counter[str] = field(default_factory=Counter)


def simulate(
    store: DeviceStore,
    study: Study,
    participants: int,
    seed: int,
    clock: SimClock,
    first_code: int = 1,
) -> SimulationReport:
    """Fill the store with `participants` finished, sealed sessions; return the counts.

    Participant numbers start at `first_code` (or after the store's highest, if that is
    higher), so laptops of one simulated meeting can be given ranges that do not collide.
    """
    if participants < 0:
        raise ValueError("participants must not be negative")
    simulation = _Simulation(store, study, random.Random(seed), clock)
    return simulation.run(participants, first_code)


@dataclass
class _Simulation:
    store: DeviceStore
    study: Study
    rng: random.Random
    clock: SimClock
    report: SimulationReport = field(default_factory=SimulationReport)

    def run(self, participants: int, first_code: int) -> SimulationReport:
        followups = round(participants * FOLLOWUP_SHARE)
        used = max((code_number(s.participant_code) for s in self.store.sessions()), default=0)
        first = max(first_code, used + 1)
        codes = [make_code(first + n) for n in range(participants - followups)]
        start = self.clock.now
        self._meetings([(code, "baseline") for code in codes])
        # Follow-up meetings a year later, for a random subset of the baseline participants.
        self.clock.now = max(self.clock.now, start + timedelta(days=365))
        self._meetings([(code, "followup-12m") for code in self.rng.sample(codes, followups)])
        return self.report

    def _meetings(self, queue: list[tuple[str, str]]) -> None:
        while queue:
            size = self.rng.randint(*MEETING_SIZE)
            batch, queue = queue[:size], queue[size:]
            meeting = self.store.create_meeting(
                self.clock.now.date().isoformat(), self.rng.choice(PLACES), self.rng.choice(STAFF)
            )
            self.report.meetings += 1
            for code, timepoint in batch:
                self._participant(meeting.id, meeting.staff, code, timepoint)
            self.clock.advance(7 * 24 * 3600 - 3 * 3600)

    def _participant(self, meeting_id: str, staff: str, code: str, timepoint: str) -> None:
        rng, store, report = self.rng, self.store, self.report
        language = draw_language(rng)
        arm = rng.choice(ARMS) if timepoint != "baseline" else None
        assisted = rng.random() < INTERPRETER_SHARE
        interpreter = ("nb" if language != "nb" else "ar") if assisted else None
        source = "paper" if rng.random() < PAPER_SHARE else "screen"
        session = store.start_session(
            meeting_id,
            code,
            timepoint,
            language,
            arm=arm,
            interpreter_language=interpreter,
            interpreter_assisted=assisted,
            source=source,
            actor=staff,
        )
        report.sessions += 1
        report.by_language[language] += 1
        report.by_timepoint[timepoint] += 1
        report.interpreter_assisted += assisted
        report.paper += source == "paper"
        profile = draw_profile(rng, language)
        actor = staff if source == "paper" else "participant"
        forms = self.study.library.steps(timepoint, arm)
        consent_form, instruments = forms[0], forms[1:]
        self.clock.advance(rng.uniform(60, 240))
        if not self._consent(session.id, consent_form, staff):
            store.decline_session(session.id, self.study, actor=staff)
            report.declined += 1
            self.clock.advance(rng.uniform(60, 180))
            return
        switch_at = rng.randrange(len(instruments)) if rng.random() < LANGUAGE_SWITCH_SHARE else -1
        for index, form in enumerate(instruments):
            if index == switch_at:
                language = next(lang for lang in ("nb", "en", "ar") if lang != language)
                store.set_language(session.id, language, actor=staff)
                report.language_switches += 1
            self._answer_form(session.id, form, profile, actor)
        if rng.random() < REVIEW_CHANGE_SHARE:
            self._change_one(session.id, instruments, profile, actor)
        store.complete_session(session.id, self.study, actor=staff)
        report.completed += 1

    def _consent(self, session_id: str, form: Form, staff: str) -> bool:
        items = [i.id for i in form.items if i.type is ItemType.CONSENT]
        agree = self.rng.random() >= DECLINED_CONSENT_SHARE
        self.store.record_consent(session_id, form, {i: int(agree) for i in items}, actor=staff)
        return agree

    def _answer_form(self, session_id: str, form: Form, profile: Profile, actor: str) -> None:
        given: dict[str, tuple[object, str]] = {}
        for item in form.answerable_items:
            # As on screen: an item the form's logic skips is never shown, so never answered.
            state = form_state(form, given, self.clock.now.date())
            if not state.applies(item.id):
                continue
            outcome = item_outcome(self.rng, item)
            self.clock.advance(self.rng.uniform(4, 25))
            value = answer_value(self.rng, item, profile) if outcome == "answered" else None
            for _ in range(MAX_TRIES):
                if value is None or acceptable(form, item, value, state):
                    break
                value = answer_value(self.rng, item, profile)
            else:
                outcome = "missing"  # nothing the constraint allows: the participant skips
            if outcome == "missing":
                self.store.set_position(session_id, form.id, item.id)
                self.report.missing_items += 1
            elif outcome == "declined":
                self.store.save_answer(
                    session_id, form, item.id, None, status="declined", actor=actor
                )
                self.report.declined_items += 1
                given[item.id] = (None, "declined")
            else:
                self.store.save_answer(session_id, form, item.id, value, actor=actor)
                self.report.answers += 1
                given[item.id] = (value, "answered")

    def _change_one(self, session_id: str, forms: list[Form], profile: Profile, actor: str) -> None:
        """A participant revises one answer on the review screen."""
        by_id = {f.id: f for f in forms}
        answered = [
            a
            for a in self.store.answers(session_id)
            if a.status == "answered" and not by_id[a.form_id].item(a.item_id).calculated
        ]
        if not answered:
            return
        chosen = self.rng.choice(answered)
        form = by_id[chosen.form_id]
        value = answer_value(self.rng, form.item(chosen.item_id), profile)
        if value == chosen.value:
            return
        try:
            self.store.save_answer(session_id, form, chosen.item_id, value, actor=actor)
        except InvalidAnswer:
            return  # the new value breaks the form's constraint: the participant keeps the old
        self.report.changed_answers += 1
