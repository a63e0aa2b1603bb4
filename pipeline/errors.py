"""The one error type a user sees: a one-line message and exit code 2, never a traceback."""


class UserError(Exception):
    """Bad input, configuration or environment; the message names the problem and the fix."""

    exit_code = 2


class InternalError(UserError):
    """A bug met in one job of a batch: reported with the job, as bad input is, so the other jobs still
    run; exit code 70 (EX_SOFTWARE) as for any internal error."""

    exit_code = 70
