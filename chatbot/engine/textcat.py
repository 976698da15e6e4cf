"""A spaCy text-classifier architecture: hashed word and character n-grams into a sparse linear layer."""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import Model, SparseLinear_v2, chain, softmax_activation, with_cpu

ARCHITECTURE = "rehearse.HashedNgrams.v1"
# Bumped whenever the features change, so that models built with older ones count as stale.
FEATURES_VERSION = 1
_CACHE_KEY = "rehearse_features"


def doc_features(
    doc: Doc, word_ngrams: int, char_min: int, char_max: int
) -> tuple[numpy.ndarray, numpy.ndarray]:
    """Keys and weights of one doc: lower-case word n-grams and character n-grams of each word."""
    words = [t.lower_ for t in doc if not t.is_space]
    word_grams: Counter[str] = Counter()
    padded = ["<s>", *words, "</s>"]
    for n in range(1, word_ngrams + 1):
        for i in range(len(padded) - n + 1):
            gram = padded[i : i + n]
            if n == 1 and gram[0] in ("<s>", "</s>"):
                continue
            word_grams["w" + " ".join(gram)] += 1
    char_grams: Counter[str] = Counter()
    for word in words:
        marked = f"<{word}>"
        for n in range(char_min, char_max + 1):
            for i in range(len(marked) - n + 1):
                char_grams["c" + marked[i : i + n]] += 1
    if not word_grams:
        word_grams["w<empty>"] = 1
    keys: list[int] = []
    weights: list[numpy.ndarray] = []
    # Each group has unit length, so that many character n-grams do not drown the words,
    # and a long paste weighs no more than a short line.
    for grams in (word_grams, char_grams):
        if not grams:
            continue
        keys += [zlib.crc32(g.encode("utf-8", "surrogatepass")) for g in grams]
        counts = 1.0 + numpy.log(numpy.fromiter(grams.values(), dtype=numpy.float32, count=len(grams)))
        weights.append(counts / numpy.sqrt(numpy.square(counts).sum()))
    return numpy.asarray(keys, dtype=numpy.uint64), numpy.concatenate(weights).astype(numpy.float32)


def _extract(word_ngrams: int, char_min: int, char_max: int) -> Model[list[Doc], Any]:
    def forward(model: Model[Any, Any], docs: list[Doc], is_train: bool) -> tuple[Any, Callable[..., Any]]:
        keys_list, vals_list = [], []
        for doc in docs:
            cached = doc.user_data.get(_CACHE_KEY)
            if cached is None:
                cached = doc_features(doc, word_ngrams, char_min, char_max)
                doc.user_data[_CACHE_KEY] = cached
            keys_list.append(cached[0])
            vals_list.append(cached[1])
        lengths = numpy.asarray([len(k) for k in keys_list], dtype="int32")
        keys = numpy.concatenate(keys_list) if keys_list else numpy.zeros(0, dtype=numpy.uint64)
        vals = numpy.concatenate(vals_list) if vals_list else numpy.zeros(0, dtype=numpy.float32)
        return (keys, vals, lengths), lambda d_out: []

    return Model("rehearse_ngrams", forward)


@registry.architectures(ARCHITECTURE)
def build_hashed_ngrams(
    word_ngrams: int = 2,
    char_min: int = 2,
    char_max: int = 4,
    length: int = 65536,
    nO: int | None = None,
) -> Model[list[Doc], Any]:
    """Exclusive-class text classifier over hashed n-grams; see models/config.cfg."""
    linear = SparseLinear_v2(nO=nO, length=length)
    model: Model[list[Doc], Any] = chain(
        with_cpu(chain(_extract(word_ngrams, char_min, char_max), linear), linear.ops),
        softmax_activation(),
    )
    if nO is not None:
        model.set_dim("nO", nO)
    model.set_ref("output_layer", linear)
    model.attrs["multi_label"] = False
    return model
