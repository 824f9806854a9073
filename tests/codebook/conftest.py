"""The fixture form library for codebook tests."""

from __future__ import annotations

import pytest

from survey_app.forms.library import FormLibrary, load_library

from .forms_fixture import make_forms_dir


@pytest.fixture(scope="session")
def library(tmp_path_factory) -> FormLibrary:
    lib = load_library(make_forms_dir(tmp_path_factory.mktemp("study")))
    assert not lib.errors, [str(f) for f in lib.errors]
    return lib
