"""The identity engine: returns its input. Used for dry runs and the byte-exact round trip."""
from __future__ import annotations


class IdentityEngine:
    name = "identity"

    def supports(self, src: str, tgt: str) -> bool:
        return True

    def model_id(self, src: str, tgt: str) -> str:
        return "identity"

    def translate(self, texts: list[str], src: str, tgt: str) -> list[str]:
        return list(texts)
