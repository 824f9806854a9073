"""Paths, addresses and laptop labels keep their reading order on Arabic staff screens.

Unmarked, the bidi algorithm of an Arabic line moves a path's leading "/" to its end
(«tmp/x/STICK/») and turns a laptop label around ("3-b" reads "b-3"): staff would look for a
folder or a list that does not exist. The marks (direction.embedded) keep them as typed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from survey_app.ui.direction import LRM, RLM, plain
from survey_app.ui.pages.setup import SetupPage
from survey_app.ui.transfer_worker import TransferState
from tests.ui.conftest import settle
from tests.ui.test_register_dialog import allocation_list_file, open_register


@pytest.fixture
def setup_page(qtbot, ctx, tmp_path: Path):
    """The first-run page of an Arabic-speaking laptop whose study folder is on a stick."""
    ctx.staff_language = "ar"
    ctx.study_dir = tmp_path / "x" / "STICK"
    page = SetupPage(ctx)
    qtbot.addWidget(page)
    return page


def test_the_study_folder_on_the_arabic_set_up_page_reads_as_a_path(setup_page, tmp_path):
    assert setup_page.folder_label.text() == f"{LRM}{tmp_path / 'x' / 'STICK'}{LRM}"


def test_a_study_folder_chosen_on_the_arabic_set_up_page_reads_as_a_path(
    setup_page, tmp_path, monkeypatch
):
    chosen = tmp_path / "media" / "study"
    monkeypatch.setattr("survey_app.ui.pages.setup.choose_folder", lambda *_args: str(chosen) + "/")
    setup_page._browse()
    assert setup_page.folder_label.text() == f"{LRM}{chosen}{LRM}"
    assert setup_page.study_dir == chosen  # the folder itself is kept unmarked


@pytest.mark.parametrize("language", ["ar", "nb"])
def test_the_server_address_keeps_its_reading_order_in_the_staff_language(
    qtbot, dashboard, ctx, language
):
    ctx.staff_language = language
    dashboard.show_dashboard()
    settle(qtbot, ctx.client)
    page = dashboard.stack.currentWidget()
    page.show_transfer(TransferState(enrolled=True, server="https://survey.example.org:8443"))
    assert f"{LRM}https://survey.example.org:8443{LRM}" in page.transfer_status.text()
    said = {"ar": "الخادم: https://survey.example.org:8443", "nb": "Server: https://"}
    assert said[language] in plain(page.transfer_status.text())


def test_a_laptop_label_keeps_its_reading_order_in_an_arabic_list_status(
    qtbot, dashboard, ctx, tmp_path: Path
) -> None:
    list_file = allocation_list_file(qtbot, ctx, tmp_path / "lists", "3-b")
    ctx.staff_language = "ar"
    dialog = open_register(qtbot, dashboard, ctx)
    dashboard.register.choose_file = lambda _parent, _title: str(list_file)
    dialog.load_button.click()
    settle(qtbot, ctx.client)
    assert f"قائمة التوزيع للحاسوب {LRM}3-b{LRM}:" in dialog.list_state.text()


def test_a_stratum_without_a_label_keeps_its_id_in_reading_order_in_arabic(
    qtbot, dashboard, ctx, tmp_path: Path
) -> None:
    from survey_app.study import load_study
    from tests.study.test_stratum_labels import unlabelled_demo_copy
    from tests.ui.test_register_dialog import load_list

    unlabelled = unlabelled_demo_copy(tmp_path / "study")
    ctx.study = load_study(unlabelled)
    assert not ctx.study.config.trial.stratum_labels
    dialog = load_list(qtbot, dashboard, ctx, tmp_path, "ar")
    # Each id marked on its own: the list runs right to left, "women" first, as in study.yaml.
    assert f"الأماكن المتاحة {LRM}women{LRM} ٣٠، {LRM}men{LRM} ٣٠." in dialog.list_state.text()
    # In the list to choose from, too; each line still an Arabic one (kept on the right).
    assert [dialog.stratum.itemText(i) for i in (1, 2)] == [
        f"{RLM}{LRM}women{LRM}{RLM}",
        f"{RLM}{LRM}men{LRM}{RLM}",
    ]


def test_a_malformed_stratum_label_is_refused_at_set_up_in_arabic(
    qtbot, window, ctx, tmp_path: Path
) -> None:
    from tests.study.test_stratum_labels import BAD, GOOD, demo_copy
    from tests.ui.conftest import PASSPHRASE

    study = demo_copy(tmp_path / "study", GOOD, BAD)
    ctx.staff_language = "ar"
    window.show_setup()  # the set-up page as an Arabic-speaking laptop first shows it
    page = window.stack.currentWidget()
    page.passphrase.setText(PASSPHRASE)
    page.repeat.setText(PASSPHRASE)
    page.study_dir = study
    page.real.setChecked(True)
    page.create_button.click()
    qtbot.waitUntil(lambda: page.create_button.isEnabled(), timeout=20000)
    settle(qtbot, ctx.client)
    header, problem = page.message.text().split("\n")
    assert plain(header) == "في إعدادات الدراسة (study.yaml) أخطاء. أعطِ هذه الرسالة لفريق البحث:"
    # The problem line keeps its leading "/" and reads left to right inside the Arabic message.
    assert problem.startswith(f"{RLM}{LRM}{study / 'study.yaml'}:")
    assert problem.endswith(
        f"strata.women.label.de: unknown language 'de'; use nb, en, ar{LRM}{RLM}"
    )
    assert window.page_name == "setup" and not ctx.store_path.exists()
