"""The trial section of study.yaml is read strictly and names the line of every problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.trial.conftest import TRIAL_YAML, parse_trial


def test_every_setting_is_read(tmp_path: Path) -> None:
    config, problems = parse_trial(tmp_path, TRIAL_YAML)
    assert problems == []
    assert config.consent_witness == "required"
    r = config.randomisation
    assert r.arms == ("intervention", "control")
    assert dict(r.strata) == {"women": (1,), "men": (2, 3)}
    assert [(dict(p.ratio), p.until_date) for p in r.periods] == [
        ({"intervention": 2, "control": 1}, "2025-01-25"),
        ({"intervention": 1, "control": 1}, None),
    ]
    assert [(f.timepoint, f.after_days, f.window_days) for f in config.followup] == [
        ("followup-12m", 365, 60)
    ]


def test_answer_code_in_two_strata_is_refused(tmp_path: Path) -> None:
    text = TRIAL_YAML.replace("men: [2, 3]", "men: [1, 3]")
    config, problems = parse_trial(tmp_path, text)
    assert config is None
    assert any("code 1 is in two strata" in p for p in problems)


def test_a_period_without_an_end_before_the_last_is_refused(tmp_path: Path) -> None:
    text = TRIAL_YAML.replace('        until: {date: "2025-01-25"}\n', "")
    config, problems = parse_trial(tmp_path, text)
    assert config is None
    assert any("periods[1].until: missing" in p for p in problems)


def test_a_ratio_must_weigh_every_arm(tmp_path: Path) -> None:
    text = TRIAL_YAML.replace("{intervention: 1, control: 1}", "{intervention: 1}")
    config, problems = parse_trial(tmp_path, text)
    assert config is None
    assert any("ratio.control: missing" in p for p in problems)


def test_a_misspelt_setting_is_named_with_its_line(tmp_path: Path) -> None:
    text = TRIAL_YAML.replace("block_multiples", "block_multiple")
    config, problems = parse_trial(tmp_path, text)
    assert config is None
    assert any(p.startswith("8:") and "unknown setting" in p for p in problems)


def test_a_count_ends_a_period(tmp_path: Path) -> None:
    text = TRIAL_YAML.replace('{date: "2025-01-25"}', "{count: 30}")
    config, _ = parse_trial(tmp_path, text)
    assert config.randomisation.periods[0].until_count == 30


def test_demo_study_randomises_by_gender_two_to_one_then_one_to_one() -> None:
    from survey_app.study import demo_study_dir, load_study_config

    trial = load_study_config(demo_study_dir()).trial
    ratios = [dict(p.ratio) for p in trial.randomisation.periods]
    assert ratios == [{"intervention": 2, "control": 1}, {"intervention": 1, "control": 1}]
    assert trial.randomisation.stratify_by == "bg_gender"


LABELLED = TRIAL_YAML.replace(
    "strata: {women: [1], men: [2, 3]}",
    "strata:\n"
    "      women: {codes: [1], label: {nb: Kvinner, en: Women, ar: النساء}}\n"
    "      men: [2, 3]",
)


def test_a_stratum_may_carry_a_label_per_language(tmp_path: Path) -> None:
    config, problems = parse_trial(tmp_path, LABELLED)
    assert problems == []
    assert dict(config.randomisation.strata) == {"women": (1,), "men": (2, 3)}
    assert [config.stratum_label("women", lang) for lang in ("nb", "en", "ar")] == [
        "Kvinner",
        "Women",
        "النساء",
    ]


def test_a_stratum_without_a_label_is_called_by_its_id(tmp_path: Path) -> None:
    config, _ = parse_trial(tmp_path, LABELLED)
    assert config.stratum_label("men", "ar") == "men"
    plain_config, _ = parse_trial(tmp_path, TRIAL_YAML)
    assert plain_config.stratum_label("women", "nb") == "women"


def test_labels_leave_the_settings_recorded_with_the_lists_unchanged(tmp_path: Path) -> None:
    labelled, _ = parse_trial(tmp_path, LABELLED)
    plain_config, _ = parse_trial(tmp_path, TRIAL_YAML)
    assert labelled.randomisation == plain_config.randomisation
    assert labelled.randomisation.to_json() == plain_config.randomisation.to_json()


@pytest.mark.parametrize(
    ("label", "said"),
    [
        (
            "{nb: Kvinner, de: Frauen}",
            "8:trial.randomisation.strata.women.label.de: unknown language 'de'; use nb",
        ),
        ("{nb: ' '}", "strata.women.label.nb: must be non-empty text"),
        ("Kvinner", "strata.women.label: map languages (nb, en, ar) to texts"),
        ("{nb: [a, b]}", "strata.women.label.nb: must be non-empty text"),
    ],
)
def test_a_malformed_label_is_refused_with_its_line(tmp_path: Path, label: str, said: str) -> None:
    text = LABELLED.replace("{nb: Kvinner, en: Women, ar: النساء}", label)
    config, problems = parse_trial(tmp_path, text)
    assert config is None
    assert any(said in p for p in problems), problems


def test_a_labelled_stratum_still_needs_its_codes(tmp_path: Path) -> None:
    text = LABELLED.replace("{codes: [1], label:", "{cods: [1], label:")
    config, problems = parse_trial(tmp_path, text)
    assert config is None
    assert any("strata.women.cods: unknown setting" in p for p in problems)
    assert any("strata.women.codes: missing" in p for p in problems)


def test_two_strata_may_not_read_the_same_to_staff(tmp_path: Path) -> None:
    text = LABELLED.replace("men: [2, 3]", "men: {codes: [2, 3], label: {ar: النساء}}")
    config, problems = parse_trial(tmp_path, text)
    assert config is None
    assert any("two strata have the ar label 'النساء'" in p for p in problems)


def test_the_demo_study_names_its_strata_in_every_language() -> None:
    from survey_app.forms.languages import LANGUAGES
    from survey_app.study import demo_study_dir, load_study_config

    trial = load_study_config(demo_study_dir()).trial
    for stratum in trial.randomisation.strata:
        names = [trial.stratum_label(stratum, lang) for lang in LANGUAGES]
        assert stratum not in names and len(set(names)) == len(LANGUAGES)
