"""Every defect class of issue #9, planted in a copy of the shipped forms, stops `check-forms`.

Each test plays the careless translator (or copy-paste accident) once and expects exit code 1
with an error line naming the form file, the item (or the scale and its items) and the language.
"""

from __future__ import annotations

import pytest

from survey_app.cli.main import main
from tests.forms.shipped_copy import FormsCopy


@pytest.fixture
def forms(tmp_path) -> FormsCopy:
    return FormsCopy(tmp_path / "forms")


def check_forms(forms: FormsCopy, capsys) -> tuple[int, list[str]]:
    code = main(["check-forms", str(forms.root)])
    return code, capsys.readouterr().out.splitlines()


def error_line(lines: list[str], *fragments: str) -> str:
    """Return the first error line containing every fragment."""
    for line in lines:
        if ": error: " in line and all(f in line for f in fragments):
            return line
    errors = "\n".join(line for line in lines if ": error: " in line)
    raise AssertionError(f"no error with {fragments}; errors were:\n{errors}")


def test_the_shipped_copy_passes_clean(forms, capsys):
    code, lines = check_forms(forms, capsys)
    assert code == 0, "\n".join(lines)
    assert "0 error(s), 0 warning(s)" in lines[-1]


def test_reversed_arabic_labels_on_hscl25(forms, capsys):
    forms.replace(
        "hscl25",
        'ar: {1: "لا على الإطلاق", 2: "قليلًا", 3: "كثيرًا", 4: "كثيرًا جدًا"}',
        'ar: {1: "كثيرًا جدًا", 2: "كثيرًا", 3: "قليلًا", 4: "لا على الإطلاق"}',
    )
    code, lines = check_forms(forms, capsys)
    assert code == 1
    line = error_line(lines, "hscl25.yaml", "scale 'hscl4' (items hscl_01 … hscl_25) [ar]")
    assert "reversed scale" in line


def test_reversed_arabic_labels_on_pcl5(forms, capsys):
    forms.replace(
        "pcl5",
        'ar: {0: "لا على الإطلاق", 1: "قليلًا", 2: "بدرجة متوسطة", 3: "كثيرًا", 4: "بشدة"}',
        'ar: {0: "بشدة", 1: "كثيرًا", 2: "بدرجة متوسطة", 3: "قليلًا", 4: "لا على الإطلاق"}',
    )
    code, lines = check_forms(forms, capsys)
    assert code == 1
    error_line(lines, "pcl5.yaml", "scale 'pcl5' (items pcl_01 … pcl_20) [ar]", "reversed")


def test_swapped_middle_options_in_norwegian(forms, capsys):
    forms.replace(
        "hscl25",
        'nb: {1: "Ikke i det hele tatt", 2: "Litt", 3: "Ganske mye", 4: "Veldig mye"}',
        'nb: {1: "Ikke i det hele tatt", 2: "Ganske mye", 3: "Litt", 4: "Veldig mye"}',
    )
    code, lines = check_forms(forms, capsys)
    assert code == 1
    line = error_line(lines, "hscl25.yaml", "scale 'hscl4'", "[nb]", "option 3 'Litt'")
    assert "out of order" in line


def test_one_label_written_twice(forms, capsys):
    forms.replace("pcl5", '3: "كثيرًا", 4: "بشدة"', '3: "كثيرًا", 4: "كثيرًا"')
    code, lines = check_forms(forms, capsys)
    assert code == 1
    error_line(lines, "pcl5.yaml", "scale 'pcl5'", "[ar]", "options 3 and 4 have the same label")


def test_one_label_written_twice_in_another_spelling(forms, capsys):
    forms.replace("pcl5", '3: "كثيرًا", 4: "بشدة"', '3: "كثيرًا", 4: "كثيراً"')
    code, lines = check_forms(forms, capsys)
    assert code == 1
    error_line(lines, "pcl5.yaml", "[ar]", "options 3 and 4 have the same label")


def test_swapped_eqvas_anchors_in_arabic(forms, capsys):
    forms.swap("eqvas", 'ar: "أسوأ صحة يمكنك تخيّلها"', 'ar: "أفضل صحة يمكنك تخيّلها"')
    code, lines = check_forms(forms, capsys)
    assert code == 1
    error_line(lines, "eqvas.yaml", "scale 'vas100' (items eqvas) [ar]", "anchors are swapped")


def test_swapped_cantril_anchors_in_norwegian(forms, capsys):
    forms.swap("cantril", 'nb: "Verst mulige liv"', 'nb: "Best mulige liv"')
    code, lines = check_forms(forms, capsys)
    assert code == 1
    error_line(
        lines,
        "cantril.yaml",
        "scale 'ladder10' (items cantril_past, cantril_now, cantril_future) [nb]",
        "anchors are swapped",
    )


def test_via_disagree_and_agree_ends_swapped_for_women_only(forms, capsys):
    forms.replace("via", '1: {female: "غير موافقة"', '1: {female: "موافقة"')
    forms.replace("via", '9: {female: "موافقة"', '9: {female: "غير موافقة"')
    code, lines = check_forms(forms, capsys)
    assert code == 1
    error_line(lines, "via.yaml", "scale 'via9' (items via_01 … via_20) [ar, female]", "reversed")


def test_via_ends_swapped_in_norwegian(forms, capsys):
    forms.replace("via", '1: "Uenig"', '1: "Enig"')
    forms.replace("via", '9: "Enig"', '9: "Uenig"')
    code, lines = check_forms(forms, capsys)
    assert code == 1
    error_line(lines, "via.yaml", "scale 'via9'", "[nb]", "reversed")


def test_two_item_texts_swapped_after_back_translation(forms, capsys):
    forms.swap("hscl25", 'ar: "الشعور بالخوف فجأة دون سبب"', 'ar: "الشعور بالخوف"')
    code, lines = check_forms(forms, capsys)
    assert code == 1
    for item in ("hscl_01", "hscl_02"):
        error_line(lines, "hscl25.backtranslation.yaml", f"item '{item}' text [ar]", "stale")


def test_two_item_texts_swapped_before_back_translation(forms, capsys):
    """The translator swapped two items; the back-translator honestly translated what stood."""
    forms.swap(
        "pcl5",
        'ar: "ذكريات متكررة ومزعجة وغير مرغوب فيها عن التجربة الضاغطة؟"',
        'ar: "أحلام متكررة ومزعجة عن التجربة الضاغطة؟"',
    )
    forms.redo_back(
        "pcl5",
        "item.pcl_01.text",
        "ar",
        "Repeated and disturbing dreams about the hard experience?",
    )
    forms.redo_back(
        "pcl5",
        "item.pcl_02.text",
        "ar",
        "Repeated and disturbing and unwanted memories about the hard experience?",
    )
    code, lines = check_forms(forms, capsys)
    assert code == 1
    line = error_line(lines, "pcl5.backtranslation.yaml", "item 'pcl_01' text [ar]")
    assert "item 'pcl_02' text" in line and "swapped" in line


def test_one_item_text_copied_over_the_next(forms, capsys):
    forms.replace(
        "pcl5",
        'ar: "أحلام متكررة ومزعجة عن التجربة الضاغطة؟"',
        'ar: "ذكريات متكررة ومزعجة وغير مرغوب فيها عن التجربة الضاغطة؟"',
    )
    code, lines = check_forms(forms, capsys)
    assert code == 1
    line = error_line(lines, "pcl5.yaml", "item 'pcl_02' text [ar]")
    assert "the same text as item 'pcl_01' text" in line


def test_item_text_replaced_by_an_edited_copy_of_another(forms, capsys):
    """Not word for word the same, so only the honest back-translation shows the copy."""
    forms.replace("hscl25", 'ar: "الشعور بالوحدة"', 'ar: "الشعور بعدم الاهتمام بالأشياء كلها"')
    forms.redo_back("hscl25", "item.hscl_19.text", "ar", "Feeling no interest in all things")
    code, lines = check_forms(forms, capsys)
    assert code == 1
    line = error_line(lines, "hscl25.backtranslation.yaml", "item 'hscl_19' text [ar]")
    assert "item 'hscl_23' text" in line


def test_translation_that_drops_a_negation(forms, capsys):
    forms.replace("process", '6: "لم أفهم ما يمكن', '6: "فهمت ما يمكن')
    forms.redo_back(
        "process",
        "item.proc_hinder.option.6",
        "ar",
        "I understood what the work support could offer me",
    )
    code, lines = check_forms(forms, capsys)
    assert code == 1
    line = error_line(lines, "process.backtranslation.yaml", "item 'proc_hinder' option 6 [ar]")
    assert "negation" in line


def test_option_label_showing_the_number_of_another_code(forms, capsys):
    forms.replace("hscl25", '2: "قليلًا"', '2: "٣ قليلًا"')
    code, lines = check_forms(forms, capsys)
    assert code == 1
    error_line(lines, "hscl25.yaml", "scale 'hscl4' option 2 [ar]", "shows 3")


def test_one_arabic_letter_changed_leaves_the_back_translation_stale(forms, capsys):
    forms.replace("hscl25", 'ar: "الصداع"', 'ar: "الصداح"')
    code, lines = check_forms(forms, capsys)
    assert code == 1
    error_line(lines, "hscl25.backtranslation.yaml", "item 'hscl_08' text [ar]", "stale")


def test_changed_feminine_variant_leaves_its_back_translation_stale(forms, capsys):
    forms.replace("pcl5", "كنت تستمتعين بها", "كنت تحبين")
    code, lines = check_forms(forms, capsys)
    assert code == 1
    error_line(lines, "pcl5.backtranslation.yaml", "item 'pcl_12' text [ar, female]", "stale")


def test_same_text_at_both_ends_of_a_scale(forms, capsys):
    forms.replace("cantril", 'ar: "أفضل حياة ممكنة"', 'ar: "أسوأ حياة ممكنة"')
    code, lines = check_forms(forms, capsys)
    assert code == 1
    error_line(lines, "cantril.yaml", "scale 'ladder10'", "[ar]", "read the same")


def test_text_of_one_language_put_in_another(forms, capsys):
    forms.replace("hscl25", 'ar: "البكاء بسهولة"', 'ar: "Gråter lett"')
    code, lines = check_forms(forms, capsys)
    assert code == 1
    error_line(lines, "hscl25.yaml", "item 'hscl_13' text [ar]", "Latin letters")


def test_unknown_scale_word_is_a_warning_that_names_it(forms, capsys):
    forms.replace("hscl25", '3: "كثيرًا", 4: "كثيرًا جدًا"', '3: "كثيرًا", 4: "مرهق للغاية دائما"')
    forms.restamp("hscl25", "scale.hscl4.option.4")
    code, lines = check_forms(forms, capsys)
    warning = next(line for line in lines if ": warning: " in line and "option 4" in line)
    assert "hscl25.yaml" in warning and "[ar]" in warning
    assert "'مرهق للغاية دائما' is not in the scale lexicon" in warning
    assert code == 0, "a word the lexicon does not know is a warning, not an error"
