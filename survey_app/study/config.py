"""Study configuration: `<study dir>/study.yaml`, read strictly, plus the study's form library."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from urllib.parse import urlsplit

from survey_app.errors import UserFacingError
from survey_app.forms.library import FormLibrary, load_library
from survey_app.forms.yamlsource import Node, SourceError, read_yaml
from survey_app.i18n import N_
from survey_app.identifiers import is_study_id
from survey_app.program_name import SOURCE
from survey_app.sealing.study_keys import parse_recipient, read_public_key_file
from survey_app.study.code_range import CodeRange, read_code_range
from survey_app.study.safety import SafetySettings, check_against_forms, read_safety
from survey_app.trial.config import TrialConfig, read_trial

STUDY_FILE = "study.yaml"
DEFAULT_PCL_CUTOFF = 33
DEFAULT_IDLE_TIMEOUT = 120
IDLE_TIMEOUT_RANGE = (15, 3600)
_LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
_KNOWN_KEYS = frozenset(
    {
        "study_id",
        "name",
        "demo",
        "public_key",
        "forms_dir",
        "server_url",
        "purge_policy",
        "idle_timeout_seconds",
        "pcl_cutoff",
        "register_public_key",
        "trial",
        "allow_draft_languages",
        "codes",
        "safety",
    }
)


class PurgePolicy(StrEnum):
    """When answers are removed from a laptop once they are safely elsewhere."""

    AFTER_SYNC = "after_sync"
    AFTER_EXPORT = "after_export"
    NEVER = "never"


class StudyConfigError(UserFacingError):
    """study.yaml is missing or has problems; `problems` lists each as `file:line: field: ...`.

    `msgid` + `params` let the app say it in the staff language; the problems themselves stay
    as written, in English, since they name study.yaml's own settings and lines.
    """

    msgid = N_(
        "The study configuration has problems. Give this message to the study team:\n{problems}"
    )

    def __init__(self, problems: list[str]) -> None:
        super().__init__("the study configuration has problems:\n  " + "\n  ".join(problems))
        self.problems = problems
        self.params = {"problems": "\n".join(problems)}


@dataclass(frozen=True)
class StudyConfig:
    """The settings of one study as written in study.yaml (forms_dir resolved to a path)."""

    study_id: str
    name: str
    public_key: str
    forms_dir: Path
    demo: bool = False
    server_url: str | None = None
    purge_policy: PurgePolicy = PurgePolicy.AFTER_SYNC
    idle_timeout_seconds: int = DEFAULT_IDLE_TIMEOUT
    pcl_cutoff: int | None = None
    # The principal investigator's age key: the linking register (names, contacts) is sealed to
    # it, never to the study key that opens the answers (docs/trial.md).
    register_public_key: str | None = None
    trial: TrialConfig | None = None
    allow_draft_languages: bool | None = None  # None: allowed only in a DEMO study
    # Which participant codes each laptop prints on its code cards (`main.py codes`).
    codes: CodeRange = field(default_factory=CodeRange)
    # Answers after which staff are told to follow a study protocol (docs/safety.md); off: None.
    safety: SafetySettings | None = None


@dataclass(frozen=True)
class Study:
    """A study configuration together with its checked forms and protocol."""

    config: StudyConfig
    library: FormLibrary
    path: Path

    @property
    def study_id(self) -> str:
        return self.config.study_id

    @property
    def demo(self) -> bool:
        return self.config.demo

    @property
    def public_key(self) -> str:
        return self.config.public_key

    @property
    def allow_draft_languages(self) -> bool:
        """May a session show a language whose text is not validated? (study.yaml; default:
        yes in a DEMO study, no with real data)."""
        if self.config.allow_draft_languages is not None:
            return self.config.allow_draft_languages
        return self.demo

    @property
    def pcl_cutoff(self) -> int:
        """The PCL-5 cut-off: study.yaml if set, else the protocol's, else 33."""
        if self.config.pcl_cutoff is not None:
            return self.config.pcl_cutoff
        if self.library.protocol is not None:
            return self.library.protocol.pcl_cutoff
        return DEFAULT_PCL_CUTOFF


def load_study(study_dir: Path, program: str = SOURCE) -> Study:
    """Read and validate `<study_dir>/study.yaml` and load its form library.

    program: how the command line is run (`survey-app` when installed), for the hints.
    """
    study_dir = Path(study_dir)
    config = load_study_config(study_dir, program)
    library = load_library(config.forms_dir, program=program)
    problems = safety_problems(config, library, study_dir)
    if problems:
        raise StudyConfigError(problems)
    return Study(config=config, library=library, path=study_dir)


def safety_problems(config: StudyConfig, library: FormLibrary, study_dir: Path) -> list[str]:
    """Say which safety triggers name a form, item or answer code the study does not have.

    A form that failed its own checks is reported by check-forms and blocks its sessions, so its
    triggers are not reported again here.
    """
    if config.safety is None:
        return []
    path = Path(study_dir) / STUDY_FILE
    problems = check_against_forms(config.safety, library.forms, skip=set(library.unusable))
    return [f"{path}:{problem}" for problem in problems]


def load_study_config(study_dir: Path, program: str = SOURCE) -> StudyConfig:
    """Read and validate `<study_dir>/study.yaml` without loading forms (StudyConfigError).

    program: how the command line is run (`survey-app` when installed), for the hints.
    """
    path = Path(study_dir) / STUDY_FILE
    if not path.is_file():
        raise StudyConfigError([f"{path}: no study configuration file"])
    try:
        root, _ = read_yaml(path)
    except SourceError as exc:
        raise StudyConfigError([f"{path}:{exc.line}: {exc.message}"]) from None
    return _Reader(path, program).read(root)


class _Reader:
    """Collects every problem in study.yaml so the person sees them all at once."""

    def __init__(self, path: Path, program: str = SOURCE) -> None:
        self.path = path
        self.program = program  # names the command in hints (`keys new`)
        self.problems: list[str] = []

    def problem(self, line: int, field: str, message: str) -> None:
        self.problems.append(f"{self.path}:{line}: {field}: {message}")

    def read(self, root: Node) -> StudyConfig:
        if not root.is_map:
            raise StudyConfigError([f"{self.path}:{root.line}: expected a mapping of settings"])
        fields: dict[str, Node] = root.value  # type: ignore[assignment]
        for key in sorted(set(fields) - _KNOWN_KEYS):
            self.problem(fields[key].line, key, "unknown setting")
        study_id = self.text(fields, "study_id", root.line)
        if study_id and not is_study_id(study_id):
            self.problem(
                fields["study_id"].line,
                "study_id",
                "use 1-40 lower-case letters, digits, '-' or '_', starting with a letter or digit",
            )
        name = self.text(fields, "name", root.line)
        demo = self.boolean(fields, "demo", default=False)
        public_key = self.public_key(fields, root.line)
        forms_dir = self.forms_dir(fields, root.line)
        server_url = self.server_url(fields)
        purge = self.purge_policy(fields)
        idle = self.integer(fields, "idle_timeout_seconds", *IDLE_TIMEOUT_RANGE)
        cutoff = self.integer(fields, "pcl_cutoff", 0, 80)
        register_key = self.register_key(fields, public_key, demo)
        trial = None
        if "trial" in fields:
            trial = read_trial(fields["trial"], self.problem)
        drafts = (
            self.boolean(fields, "allow_draft_languages", default=demo)
            if "allow_draft_languages" in fields
            else None
        )
        codes = read_code_range(fields["codes"], self.problem) if "codes" in fields else None
        safety = read_safety(fields["safety"], self.problem) if "safety" in fields else None
        if public_key and not demo and (shipped := _demo_key_name(public_key)):
            self.problem(
                fields["public_key"].line,
                "public_key",
                f"this is {shipped}, whose private key is public; create a study key with "
                f"`{self.program} keys new`",
            )
        if self.problems:
            raise StudyConfigError(self.problems)
        assert forms_dir is not None
        return StudyConfig(
            study_id=study_id,
            name=name,
            public_key=public_key,
            forms_dir=forms_dir,
            demo=demo,
            server_url=server_url,
            purge_policy=purge,
            idle_timeout_seconds=idle if idle is not None else DEFAULT_IDLE_TIMEOUT,
            pcl_cutoff=cutoff,
            register_public_key=register_key,
            trial=trial,
            allow_draft_languages=drafts,
            codes=codes or CodeRange(),
            safety=safety,
        )

    def text(self, fields: dict[str, Node], key: str, root_line: int) -> str:
        node = fields.get(key)
        if node is None:
            self.problem(root_line, key, "missing")
            return ""
        if not node.is_text or not str(node.value).strip():
            self.problem(node.line, key, "must be non-empty text")
            return ""
        return str(node.value).strip()

    def optional_text(self, fields: dict[str, Node], key: str) -> str | None:
        node = fields.get(key)
        if node is None or (node.is_text and not str(node.value).strip()):
            return None
        if not node.is_text:
            self.problem(node.line, key, "must be text")
            return None
        return str(node.value).strip()

    def boolean(self, fields: dict[str, Node], key: str, *, default: bool) -> bool:
        value = self.optional_text(fields, key)
        if value is None:
            return default
        if value not in ("true", "false"):
            self.problem(fields[key].line, key, "must be true or false")
            return default
        return value == "true"

    def integer(self, fields: dict[str, Node], key: str, low: int, high: int) -> int | None:
        value = self.optional_text(fields, key)
        if value is None:
            return None
        if not re.fullmatch(r"\d+", value) or not low <= int(value) <= high:
            self.problem(fields[key].line, key, f"must be a whole number from {low} to {high}")
            return None
        return int(value)

    def public_key(self, fields: dict[str, Node], root_line: int) -> str:
        value = self.text(fields, "public_key", root_line)
        if not value:
            return ""
        try:
            parse_recipient(value)
        except UserFacingError as exc:
            self.problem(fields["public_key"].line, "public_key", str(exc))
            return ""
        return value

    def register_key(self, fields: dict[str, Node], study_key: str, demo: bool) -> str | None:
        value = self.optional_text(fields, "register_public_key")
        if value is None:
            return None
        line = fields["register_public_key"].line
        try:
            parse_recipient(value)
        except UserFacingError as exc:
            self.problem(line, "register_public_key", str(exc).replace("study public", "public"))
            return None
        if value == study_key:
            # One key for both would let whoever decrypts answers also read names and contacts.
            self.problem(line, "register_public_key", "must differ from public_key (the study key)")
        if not demo and (shipped := _demo_key_name(value)):
            # Either DEMO key would seal names and phone numbers to a private key everyone has.
            self.problem(
                line,
                "register_public_key",
                f"this is {shipped}, whose private key is public; create a key with "
                f"`{self.program} keys new`",
            )
        return value

    def forms_dir(self, fields: dict[str, Node], root_line: int) -> Path | None:
        value = self.text(fields, "forms_dir", root_line)
        if not value:
            return None
        resolved = (self.path.parent / value).resolve()
        if not resolved.is_dir():
            self.problem(fields["forms_dir"].line, "forms_dir", f"no such directory: {resolved}")
        return resolved

    def server_url(self, fields: dict[str, Node]) -> str | None:
        value = self.optional_text(fields, "server_url")
        if value is None:
            return None
        parts = urlsplit(value)
        loopback = parts.hostname in _LOOPBACK_HOSTS
        if not parts.hostname or parts.scheme not in ("https", "http"):
            self.problem(fields["server_url"].line, "server_url", "must be an https:// address")
        elif parts.scheme == "http" and not loopback:
            # Envelopes are sealed anyway, but enrolment tokens and metadata must not travel bare.
            self.problem(
                fields["server_url"].line,
                "server_url",
                "must use https:// (plain http is only allowed for localhost)",
            )
        return value.rstrip("/")

    def purge_policy(self, fields: dict[str, Node]) -> PurgePolicy:
        value = self.optional_text(fields, "purge_policy")
        if value is None:
            return PurgePolicy.AFTER_SYNC
        try:
            return PurgePolicy(value)
        except ValueError:
            allowed = ", ".join(p.value for p in PurgePolicy)
            self.problem(
                fields["purge_policy"].line, "purge_policy", f"unknown policy; use one of {allowed}"
            )
            return PurgePolicy.AFTER_SYNC


def _demo_key_name(value: str) -> str | None:
    """Which shipped DEMO key a public key is ("the DEMO key", "the DEMO register key"), if any."""
    if value == _demo_public_key():
        return "the DEMO key"
    if value == _demo_register_key():
        return "the DEMO register key"
    return None


def _demo_register_key() -> str:
    from survey_app.study.demo import DEMO_REGISTER_PUBLIC_KEY_FILE, demo_study_dir

    try:
        return read_public_key_file(demo_study_dir() / DEMO_REGISTER_PUBLIC_KEY_FILE)
    except UserFacingError:
        return ""


def _demo_public_key() -> str:
    from survey_app.study.demo import DEMO_PUBLIC_KEY_FILE, demo_study_dir

    try:
        return read_public_key_file(demo_study_dir() / DEMO_PUBLIC_KEY_FILE)
    except UserFacingError:
        return ""
