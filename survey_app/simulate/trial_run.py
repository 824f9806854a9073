"""A simulated trial: laptops with a device store and a linking register, meetings, reveals.

Drives the same store and register calls as the app: register the person, document the
consent, run the baseline, reveal the allocation once the baseline is sealed (asking "staff"
for the stratum when the gender question was declined). Synthetic names and phone numbers only.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from survey_app.answers.codes import make_code
from survey_app.forms.logic import acceptable, form_state
from survey_app.forms.model import Form, ItemType
from survey_app.register.store import RegisterStore
from survey_app.simulate.generator import answer_value, draw_language, draw_profile, item_outcome
from survey_app.simulate.runner import MAX_TRIES, SimClock
from survey_app.store import DeviceStore
from survey_app.trial.errors import StratumNeeded

FIRST = ("Testa", "Prøve", "Demo", "Fiktiv", "Sample", "تجربة", "مثال", "وهمي")
LAST = ("Fiktivsen", "Oppdiktet", "Syntetisk", "Placeholder", "افتراضي", "تجريبي")
DECLINED_CONSENT_SHARE = 0.05
READING = ("self", "read_aloud", "audio")


@dataclass(frozen=True)
class Laptop:
    """One simulated laptop: its label, device store and linking register."""

    label: str
    store: DeviceStore
    register: RegisterStore


@dataclass
class TrialSimReport:
    """Counts of what was simulated (never codes, names or answers)."""

    meetings: int = 0
    registered: int = 0
    declined: int = 0
    randomised: int = 0
    stratum_by_staff: int = 0
    by_arm: Counter[str] = field(default_factory=Counter)
    # For tests that check where identities and answers end up: code -> synthetic markers.
    names: dict[str, str] = field(default_factory=dict)
    phones: dict[str, str] = field(default_factory=dict)
    free_texts: dict[str, str] = field(default_factory=dict)


def synthetic_person(rng: random.Random, number: int) -> tuple[str, str]:
    """A made-up name and a phone number outside any number plan (+47 0...)."""
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    return name, f"+470{number:07d}"


def simulate_trial(
    laptops: list[Laptop],
    study,
    *,
    participants: int,
    meetings: int,
    seed: int,
    clock: SimClock,
    staff: str = "AB",
) -> TrialSimReport:
    """Run `meetings` weekly meetings on every laptop until `participants` are registered."""
    rng = random.Random(seed)
    report = TrialSimReport()
    per_meeting = -(-participants // (meetings * len(laptops)))
    number = 0
    for _ in range(meetings):
        day = clock.now.date().isoformat()
        report.meetings += 1
        for laptop in laptops:
            meeting = laptop.store.create_meeting(day, "Allmøte, skolen", staff)
            for _ in range(per_meeting):
                if number >= participants:
                    break
                number += 1
                _participant(laptop, study, meeting, make_code(number), rng, report, clock)
        clock.now += timedelta(days=7)
    return report


def _participant(laptop: Laptop, study, meeting, code: str, rng, report, clock) -> None:
    store, register = laptop.store, laptop.register
    language = draw_language(rng)
    name, phone = synthetic_person(rng, int(code.split("-")[1]))
    register.register_person(code, name=name, phone=phone, language=language,
                             actor=meeting.staff)  # fmt: skip
    report.registered += 1
    report.names[code], report.phones[code] = name, phone
    consent, *instruments = study.library.steps("baseline")
    agree = rng.random() >= DECLINED_CONSENT_SHARE
    decisions = {i.id: int(agree) for i in consent.answerable_items}
    reading = rng.choice(READING)
    register.record_consent(
        code, timepoint="baseline", form=consent, language=language, reading=reading,
        audio=f"consent-{language}.mp3" if reading == "audio" else "", place=meeting.place,
        outcome="given" if agree else "declined", actor=meeting.staff,
        witness="KH" if reading != "self" else "", decisions=decisions,
    )  # fmt: skip
    session = store.start_session(meeting.id, code, "baseline", language, actor=meeting.staff)
    store.record_consent(session.id, consent, decisions, actor=meeting.staff)
    clock.advance(rng.uniform(60, 240))
    if not agree:
        store.decline_session(session.id, study, actor=meeting.staff)
        report.declined += 1
        return
    profile = draw_profile(rng, language)
    for form in instruments:
        _answer(store, session.id, form, profile, rng, clock, code, report)
    store.complete_session(session.id, study, actor=meeting.staff)
    try:
        info = store.reveal_allocation(session.id, study, actor=meeting.staff)
    except StratumNeeded:
        # The gender question was declined: staff ask, and the choice is recorded as theirs.
        stratum = rng.choice(sorted(study.config.trial.randomisation.strata))
        info = store.reveal_allocation(session.id, study, actor=meeting.staff, stratum=stratum)
        report.stratum_by_staff += 1
    report.randomised += 1
    report.by_arm[info.arm] += 1


def _answer(store, session_id, form: Form, profile, rng, clock, code, report) -> None:
    given: dict[str, tuple[object, str]] = {}
    for item in form.answerable_items:
        # As on screen: an item the form's logic skips is never shown, so never answered.
        state = form_state(form, given, clock.now.date())
        if not state.applies(item.id):
            continue
        clock.advance(rng.uniform(4, 25))
        if item.type is ItemType.TEXT:
            # A marker per participant, to prove where answers do (and do not) end up.
            text = f"svar-{code}-fritekst"
            store.save_answer(session_id, form, item.id, text)
            report.free_texts[code] = text
            given[item.id] = (text, "answered")
            continue
        outcome = item_outcome(rng, item)
        if outcome == "declined":
            store.save_answer(session_id, form, item.id, None, status="declined")
            given[item.id] = (None, "declined")
        elif outcome == "answered":
            value = answer_value(rng, item, profile)
            for _ in range(MAX_TRIES):
                if acceptable(form, item, value, state):
                    break
                value = answer_value(rng, item, profile)
            else:
                continue  # nothing the constraint allows: the participant skips
            store.save_answer(session_id, form, item.id, value)
            given[item.id] = (value, "answered")
