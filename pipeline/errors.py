"""The one error type a user sees: a one-line message and exit code 2, never a traceback."""


class UserError(Exception):
    """Bad input, configuration or environment; the message names the problem and the fix."""

    exit_code = 2
