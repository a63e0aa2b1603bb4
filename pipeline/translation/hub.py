"""Where models come from: the Hugging Face cache, the hub (asked once, briefly), or nowhere.

Whether the hub can be reached is decided once per process by one HTTP request with a short
timeout, so an unreachable hub costs seconds, not the libraries' minutes of retries; once it is
known unreachable every load is ``local_files_only``. ``HF_HUB_OFFLINE=1`` skips the probe.
"""
from __future__ import annotations

import os
from functools import lru_cache

PROBE_SECONDS = 3.0


def offline_by_choice() -> bool:
    """``HF_HUB_OFFLINE`` (or ``TRANSFORMERS_OFFLINE``) set, in the environment or huggingface_hub's constants."""
    from huggingface_hub import constants

    env = os.environ.get("HF_HUB_OFFLINE") or os.environ.get("TRANSFORMERS_OFFLINE") or ""
    return env.strip().lower() in {"1", "true", "yes", "on"} or bool(constants.HF_HUB_OFFLINE)


def offline() -> bool:
    """Whether models must come from the cache: offline by choice, or the hub is out of reach."""
    return offline_by_choice() or not reachable(endpoint())


def endpoint() -> str:
    return os.environ.get("HF_ENDPOINT") or "https://huggingface.co"


@lru_cache(maxsize=4)
def reachable(url: str) -> bool:
    """One HTTP request to the hub, ``PROBE_SECONDS`` at most (any answer counts, an error page too);
    the answer is kept for the process."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(urllib.request.Request(url.rstrip("/") + "/api/models?limit=1", method="HEAD"), timeout=PROBE_SECONDS):
            return True
    except urllib.error.HTTPError:
        return True  # the hub answered
    except (OSError, ValueError):  # no route, refused, timed out, no such host, a malformed endpoint
        return False


def cached(repo_id: str, filename: str = "config.json") -> str | None:
    """The cached file's path, or None when it is not in the HF cache."""
    from huggingface_hub import try_to_load_from_cache

    try:
        found = try_to_load_from_cache(repo_id, filename)
    except ValueError:  # not a valid repo id
        return None
    return found if isinstance(found, str) else None


@lru_cache(maxsize=256)
def on_hub(repo_id: str) -> bool | None:
    """Whether the hub has the model (None: it could not be asked)."""
    if offline():
        return None
    from huggingface_hub import HfApi
    from huggingface_hub.utils import RepositoryNotFoundError

    try:
        HfApi(endpoint=endpoint()).model_info(repo_id, timeout=PROBE_SECONDS * 3)
        return True
    except RepositoryNotFoundError:
        return False
    except Exception:  # noqa: BLE001 - any failure to ask means "unknown", never a crash
        return None


def quiet_libraries() -> None:
    """No download bars, retry warnings or advice from transformers and huggingface_hub on the terminal."""
    import logging

    from transformers.utils import logging as transformers_logging

    transformers_logging.set_verbosity_error()
    transformers_logging.disable_progress_bar()
    logging.getLogger("huggingface_hub").setLevel(logging.ERROR)
