"""Study configuration (study.yaml, public key, server, purge policy) and the demo study."""

from survey_app.study.config import (
    PurgePolicy,
    Study,
    StudyConfig,
    StudyConfigError,
    load_study,
    load_study_config,
)
from survey_app.study.demo import (
    DEMO_PASSPHRASE,
    demo_private_key_path,
    demo_study_dir,
)

__all__ = [
    "DEMO_PASSPHRASE",
    "PurgePolicy",
    "Study",
    "StudyConfig",
    "StudyConfigError",
    "demo_private_key_path",
    "demo_study_dir",
    "load_study",
    "load_study_config",
]
