"""The one error type a user sees: a one-line message and exit code 2, never a traceback; raised through
the Python API, its message names the API's parameters instead of the command line's options."""
from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager


class UserError(Exception):
    """Bad input, configuration or environment; the message names the problem and the fix."""

    exit_code = 2


class InternalError(UserError):
    """A bug met in one job of a batch: reported with the job, as bad input is, so the other jobs still
    run; exit code 70 (EX_SOFTWARE) as for any internal error."""

    exit_code = 70

    @classmethod
    def of(cls, bug: Exception) -> InternalError:
        """The one line a bug is reported as, wherever it is met."""
        return cls(f"internal error: {type(bug).__name__}: {bug} (set PIPELINE_DEBUG=1 for a traceback)")


_PARAMETERS = {"from": "src", "to": "to", "engine": "engine", "config": "config", "memory": "memory", "out": "out"}
# an option, and the value after it: a placeholder (LANG, DIR), a quoted value, an engine or a language tag (pt-BR)
_OPTION = re.compile(
    r"--(from|to|engine|config|memory|out|overwrite)(?![\w-])(?: (?P<value>[A-Z]{2,}(?![\w-])|'[^']*'"
    r"|(?:marian|ctranslate2|bergamot|identity)(?![\w-])"
    r"|(?!(?:and|or|the|for|not|to|in|is|as|if)\b)[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*(?![\w-])))?"
)


def api_message(message: str) -> str:
    """``message`` with the command line's options named as the API's parameters: ``--from en`` -> ``src="en"``,
    ``--out DIR`` -> ``out=DIR``, ``--overwrite`` -> ``overwrite=True``."""

    def parameter(match: re.Match) -> str:
        if match[1] == "overwrite":
            return "overwrite=True" + (f" {match['value']}" if match["value"] else "")
        value = match["value"] or ""
        if value and not value.isupper() and not value.startswith("'"):
            value = f'"{value}"'
        return f"{_PARAMETERS[match[1]]}={value}"

    return _OPTION.sub(parameter, message)


@contextmanager
def api_errors() -> Iterator[None]:
    """A ``UserError`` raised inside, raised again (a copy, its type and attributes kept) with its message naming the
    API's parameters (``api_message``)."""
    try:
        yield
    except UserError as error:
        message = api_message(str(error))
        if message == str(error):
            raise
        renamed = type(error).__new__(type(error), message)  # no __init__: a subclass's own arguments stay as they were
        renamed.__dict__.update(error.__dict__)
        renamed.args = (message,)
        raise renamed from None
