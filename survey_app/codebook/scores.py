"""Score variables of the codebook, described from survey_app.scoring's rules."""

from __future__ import annotations

from survey_app.codebook.model import Variable
from survey_app.forms.library import FormLibrary


def score_variables(library: FormLibrary, pcl_cutoff: int) -> tuple[Variable, ...]:
    """One variable per computed score of the forms in the library."""
    return ()
