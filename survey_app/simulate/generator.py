"""Synthetic participants and answers shaped like the study's baseline figures (pure, seeded)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from survey_app.forms.model import Item, ItemType

# Baseline figures from the study brief: (mean, SD).
HSCL_ITEM_MEAN = (1.37, 0.36)
PCL_TOTAL = (14.4, 14.8)
PCL_PROBABLE_SHARE = 0.18
CANTRIL = {
    "cantril_past": (4.23, 2.19),
    "cantril_now": (5.98, 2.10),
    "cantril_future": (8.40, 1.50),
}
EQVAS = (85.4, 14.6)
VIA = {"heritage": (6.48, 1.69), "mainstream": (7.39, 1.25)}
AGE = (35.0, 7.0, 24, 53)

LANGUAGE_SHARES = (("ar", 0.6), ("nb", 0.2), ("en", 0.2))
MISSING_SHARE = 0.03
DECLINED_ITEM_SHARE = 0.02
TEXT_ANSWER_SHARE = 0.3

FREE_TEXTS = {
    "nb": ("Jobbspesialisten var til god hjelp.", "Det tok lang tid.", "Takk for hjelpen."),
    "en": ("The job specialist helped me a lot.", "It took a long time.", "Thank you."),
    "ar": ("ساعدني أخصائي العمل كثيرًا.", "استغرق الأمر وقتًا طويلًا.", "شكرًا على المساعدة."),
}


@dataclass(frozen=True)
class Profile:
    """One synthetic participant's latent traits, drawn once and reused for every item."""

    language: str
    hscl_mean: float
    pcl_total: float
    cantril: dict[str, float]
    eqvas: float
    via: dict[str, float]
    age: int


def _clip(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def draw_language(rng: random.Random) -> str:
    """Pick a questionnaire language: most participants read Arabic."""
    roll = rng.random()
    for language, share in LANGUAGE_SHARES:
        if roll < share:
            return language
        roll -= share
    return LANGUAGE_SHARES[-1][0]


def _pcl_total(rng: random.Random, distress: float) -> float:
    # A mixture gives the brief's skew: 18 % at or above the cut-off, overall mean ~14.4.
    if distress > 0.915:  # upper 18 % of a standard normal
        return rng.uniform(33, 60)
    shape, scale = 1.5, 4.9  # gamma with mean ~7.35, SD 6 below the cut-off
    return _clip(rng.gammavariate(shape, scale), 0, 32)


def draw_profile(rng: random.Random, language: str) -> Profile:
    """Draw a participant whose scores correlate through one latent distress value."""
    distress = rng.gauss(0, 1)
    mean, sd = HSCL_ITEM_MEAN
    hscl = _clip(mean + sd * (0.6 * distress + 0.8 * rng.gauss(0, 1)), 1.0, 4.0)
    cantril = {key: rng.gauss(m, s) - 0.5 * distress for key, (m, s) in CANTRIL.items()}
    age_mean, age_sd, age_low, age_high = AGE
    return Profile(
        language=language,
        hscl_mean=hscl,
        pcl_total=_pcl_total(rng, distress),
        cantril=cantril,
        eqvas=rng.gauss(*EQVAS) - 4 * distress,
        via={key: rng.gauss(m, s) for key, (m, s) in VIA.items()},
        age=round(_clip(rng.gauss(age_mean, age_sd), age_low, age_high)),
    )


def _binomial(rng: random.Random, trials: int, p: float) -> int:
    p = _clip(p, 0.0, 1.0)
    return sum(rng.random() < p for _ in range(trials))


def item_outcome(rng: random.Random, item: Item) -> str:
    """Decide whether an item is answered, declined or skipped (left without an answer)."""
    roll = rng.random()
    if roll < MISSING_SHARE:
        return "missing"
    if item.allow_decline and roll < MISSING_SHARE + DECLINED_ITEM_SHARE:
        return "declined"
    if item.type is ItemType.TEXT and rng.random() > TEXT_ANSWER_SHARE:
        return "missing"
    return "answered"


def answer_value(rng: random.Random, item: Item, profile: Profile) -> object:
    """Return a stored value (form-format.md types) for an item, shaped by the profile."""
    if item.id.startswith("hscl_"):
        return 1 + _binomial(rng, 3, (profile.hscl_mean - 1) / 3)
    if item.id.startswith("pcl_"):
        return _binomial(rng, 4, profile.pcl_total / 80)
    if item.id in profile.cantril:
        return round(_clip(profile.cantril[item.id], 1, 10))
    if item.id == "eqvas":
        return round(_clip(profile.eqvas, 0, 100))
    if item.group in profile.via:
        return round(_clip(profile.via[item.group] + rng.gauss(0, 1.2), 1, 9))
    if item.id == "bg_age":
        return profile.age
    return generic_value(rng, item, profile.language)


def generic_value(rng: random.Random, item: Item, language: str) -> object:
    """A plausible value for any other item, from its type and declared range."""
    scale = item.scale
    codes = list(scale.codes) if scale is not None and scale.options else []
    if item.type is ItemType.MULTIPLE_CHOICE:
        return sorted(rng.sample(codes, rng.randint(1, min(3, len(codes)))))
    if item.type is ItemType.SINGLE_CHOICE and codes:
        return rng.choice(codes)
    if item.type is ItemType.CONSENT:
        return 1
    if item.type is ItemType.TEXT:
        return rng.choice(FREE_TEXTS[language])
    if item.type is ItemType.DATE:
        return (date(2014, 1, 1) + timedelta(days=rng.randrange(5 * 365))).isoformat()
    low = item.minimum if item.minimum is not None else (scale.min if scale else 0)
    high = item.maximum if item.maximum is not None else (scale.max if scale else 10)
    if item.type is ItemType.DECIMAL:  # a fraction within the allowed places
        value = round(low + (high - low) * rng.random() ** 3, item.decimals or 1)
        return float(min(max(value, low), high))
    # Small counts are more common than large ones (years in Norway, children, schooling).
    return low + round((high - low) * rng.random() ** 3)
