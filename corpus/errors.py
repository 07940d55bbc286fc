"""One exception family; only the CLI catches it and prints one line.

CorpusError                 corpus: error: <where>: <what> (<how to fix>)
├── UsageError      exit 2  bad arguments, missing inputs, an existing OUT
├── ConfigError     exit 2  corpus.toml or a rule file is invalid
└── RunError        exit 1  the run started and could not finish
"""

from __future__ import annotations


class CorpusError(Exception):
    exit_code = 1

    def __init__(self, where: str, what: str, how: str | None = None) -> None:
        self.where, self.what, self.how = where, what, how
        super().__init__(self.line())

    def line(self) -> str:
        hint = f" ({self.how})" if self.how else ""
        return f"{self.where}: {self.what}{hint}"


class UsageError(CorpusError):
    exit_code = 2


class ConfigError(CorpusError):
    exit_code = 2


class RunError(CorpusError):
    exit_code = 1
