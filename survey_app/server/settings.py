"""Deployment settings: command-line options over environment over one TOML file.

A container or a service manager configures the server without a command line: every option
is also `SURVEY_APP_SERVER_<NAME>` in the environment, `<NAME>_FILE` reads the value from a file
(container secrets: the database URL with its password), and `SURVEY_APP_SERVER_CONFIG` (or
`--config`) names a TOML file with a `[server]` table of the same names in lower case.
The environment is passed in: nothing here reads globals.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from survey_app.errors import UserFacingError

ENV_PREFIX = "SURVEY_APP_SERVER_"
CONFIG_ENV = ENV_PREFIX + "CONFIG"
LOG_FORMATS = ("text", "json")


@dataclass(frozen=True)
class Setting:
    """One option: its name (file key; env name in upper case), type and default."""

    name: str
    kind: type
    default: Any = None
    secret: bool = False


SETTINGS = (
    Setting("db", str, secret=True),  # SQLite path or postgresql:// URL (may hold a password)
    # The PostgreSQL password on its own (as DB_PASSWORD_FILE, the secret PostgreSQL also reads).
    Setting("db_password", str, secret=True),
    Setting("host", str, "127.0.0.1"),
    Setting("port", int, 8080),
    # The studies collected: comma separated in the environment, a list or text in the file.
    Setting("study_id", tuple, ()),
    Setting("max_body_bytes", int),
    Setting("rate", float),
    Setting("burst", int),
    Setting("certfile", str),
    Setting("keyfile", str),
    Setting("log_format", str, "text"),
    # Proxies whose X-Forwarded-For names the client for rate limits (comma separated).
    Setting("forwarded_allow_ips", str, "127.0.0.1"),
    Setting("client_address_header", str),
    Setting("enrol_failures_per_hour", int),
    Setting("enrol_failures_total_per_hour", int),
    # Plain HTTP on a network address: only for a TLS proxy in front on a closed network.
    Setting("insecure_http", bool, False),
)
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("", "0", "false", "no", "off")
_BY_NAME = {s.name: s for s in SETTINGS}


def env_name(name: str) -> str:
    """`db` -> `SURVEY_APP_SERVER_DB`."""
    return ENV_PREFIX + name.upper()


def resolve_settings(
    given: Mapping[str, Any], env: Mapping[str, str], config_file: str | Path | None = None
) -> dict[str, Any]:
    """Every setting's value: `given` (command line, None = not given), env, file, default."""
    file_values = _read_file(Path(config_file)) if config_file else {}
    if not config_file and env.get(CONFIG_ENV):
        file_values = _read_file(Path(env[CONFIG_ENV]))
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        raw = given.get(setting.name)
        if raw is None:
            raw = _from_env(setting, env)
        if raw is None:
            raw = file_values.get(setting.name)
        values[setting.name] = setting.default if raw is None else _convert(setting, raw)
    if values["log_format"] not in LOG_FORMATS:
        raise UserFacingError(f"log_format must be one of: {', '.join(LOG_FORMATS)}")
    password = values.pop("db_password")
    if password and values["db"]:
        values["db"] = with_password(values["db"], password)
    return values


def with_password(url: str, password: str) -> str:
    """Put a password into a postgresql:// URL that has none (refuses a URL that has one)."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgresql", "postgres"):
        raise UserFacingError("db_password is only for a postgresql:// database URL")
    if parts.password is not None:
        raise UserFacingError("the database URL holds a password already; give only one")
    if not parts.username:
        raise UserFacingError("the database URL needs a user name (postgresql://USER@HOST/DB)")
    host = parts.netloc.rsplit("@", 1)[1]
    netloc = f"{quote(parts.username, safe='')}:{quote(password, safe='')}@{host}"
    return urlunsplit(parts._replace(netloc=netloc))


def _from_env(setting: Setting, env: Mapping[str, str]) -> str | None:
    name = env_name(setting.name)
    if env.get(name):
        return env[name]
    secret_file = env.get(name + "_FILE")
    if not secret_file:
        return None
    try:
        return Path(secret_file).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise UserFacingError(f"cannot read {name}_FILE ({exc.strerror})") from None


def _read_file(path: Path) -> dict[str, Any]:
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UserFacingError(f"cannot read the settings file {path} ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise UserFacingError(f"{path}: not valid TOML ({exc})") from None
    table = doc.get("server", {})
    if not isinstance(table, dict):
        raise UserFacingError(f"{path}: [server] must be a table")
    unknown = sorted(set(table) - set(_BY_NAME))
    if unknown:
        raise UserFacingError(f"{path}: unknown setting(s) {', '.join(unknown)}")
    if "db" in table:
        # A password in a file that is not a secret file is how they leak into images and repos.
        value = str(table["db"])
        if "@" in value and ":" in value.split("@", 1)[0].split("//", 1)[-1]:
            raise UserFacingError(
                f"{path}: the database URL holds a password; give it as "
                f"{env_name('db')}_FILE (a secret file) or {env_name('db')} instead"
            )
    return table


def _convert(setting: Setting, raw: Any) -> Any:
    if setting.kind is tuple:
        items = raw if isinstance(raw, list | tuple) else [raw]
        parts = (p.strip() for item in items for p in str(item).split(","))
        return tuple(dict.fromkeys(p for p in parts if p))
    if setting.kind is bool:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in _TRUE or text in _FALSE:
            return text in _TRUE
        raise UserFacingError(f"setting {setting.name} must be true or false")
    if isinstance(raw, setting.kind) and not isinstance(raw, bool):
        return raw
    try:
        return setting.kind(str(raw).strip())
    except ValueError:
        shown = "" if setting.secret else f": {str(raw)[:40]!r}"
        raise UserFacingError(
            f"setting {setting.name} must be {setting.kind.__name__}{shown}"
        ) from None
