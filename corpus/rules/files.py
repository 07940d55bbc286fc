"""Which rule files are in effect: the TOML shipped in this package, a user's folder merged over
it by file name, each read and hashed (the manifest records the hashes, `corpus rerun` checks them)."""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corpus.errors import ConfigError

PACKAGED_RULES = Path(__file__).parent
USER_RULES = Path("rules")


@dataclass(frozen=True)
class RuleFile:
    """A rule file as read, before any check of its tables."""

    name: str  # the file name; a user's file of the same name replaces the packaged one
    origin: str  # "package", or the user's rules folder as given
    path: Path
    sha256: str
    data: dict[str, Any]

    @property
    def stem(self) -> str:
        """The prefix of the file's rule ids: "antiwar.com" for antiwar.com.toml."""
        return self.name.removesuffix(".toml")


def load_rule_files(user_dir: Path | None = None) -> list[RuleFile]:
    """All rule files in effect, sorted by name. `user_dir=None` uses ./rules when it exists."""
    if user_dir is not None and not user_dir.is_dir():
        raise ConfigError(str(user_dir), "rules folder not found", "check the --rules path")
    folders = [PACKAGED_RULES, user_dir if user_dir is not None else USER_RULES]
    by_name: dict[str, tuple[str, Path]] = {}
    for origin, folder in zip(("package", str(folders[1])), folders):
        if folder.is_dir():
            by_name.update({path.name: (origin, path) for path in sorted(folder.glob("*.toml"))})
    return [_load(name, *by_name[name]) for name in sorted(by_name)]


def _load(name: str, origin: str, path: Path) -> RuleFile:
    raw = path.read_bytes()
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(str(path), f"invalid rule file: {error}", "fix the TOML syntax") from None
    return RuleFile(name, origin, path, hashlib.sha256(raw).hexdigest(), data)
