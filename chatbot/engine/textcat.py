"""A spaCy text-classifier architecture: TF-IDF-weighted hashed word and character n-grams."""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any, cast

import numpy
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import Model, SparseLinear_v2, chain, softmax_activation, with_cpu

ARCHITECTURE = "rehearse.HashedNgrams.v1"
# Bumped whenever the features change, so that models built with older ones count as stale.
FEATURES_VERSION = 3
IDF_BUCKETS = 2**18
_CACHE_KEY = "rehearse_features"
_FEATURES_REF = "features"

# One doc's features: hashed keys, sublinear counts, and which group (0 words, 1 characters).
Features = tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray]


def doc_features(doc: Doc, word_ngrams: int, char_min: int, char_max: int) -> Features:
    """Lower-case word n-grams and the character n-grams of each word, hashed and counted."""
    words = [t.lower_ for t in doc if not t.is_space]
    word_grams: Counter[str] = Counter()
    padded = ["<s>", *words, "</s>"]
    for n in range(1, word_ngrams + 1):
        for i in range(len(padded) - n + 1):
            gram = padded[i : i + n]
            if n == 1 and gram[0] in ("<s>", "</s>"):
                continue
            word_grams["w" + " ".join(gram)] += 1
    if not word_grams:
        word_grams["w<empty>"] = 1
    char_grams: Counter[str] = Counter()
    for word in words:
        marked = f"<{word}>"
        for n in range(char_min, char_max + 1):
            for i in range(len(marked) - n + 1):
                char_grams["c" + marked[i : i + n]] += 1
    grams = [*word_grams, *char_grams]
    keys = numpy.fromiter(
        (zlib.crc32(g.encode("utf-8", "surrogatepass")) for g in grams),
        dtype=numpy.uint64,
        count=len(grams),
    )
    counts = numpy.fromiter(
        (*word_grams.values(), *char_grams.values()), dtype=numpy.float32, count=len(grams)
    )
    group = numpy.zeros(len(grams), dtype=numpy.int8)
    group[len(word_grams) :] = 1
    return keys, 1.0 + numpy.log(counts), group


def weigh(features: Features, idf: numpy.ndarray) -> numpy.ndarray:
    """TF-IDF weights with each group scaled to unit length, so that the many character
    n-grams do not drown the words, and a long paste weighs no more than a short line."""
    keys, tf, group = features
    weights = tf * idf[(keys % IDF_BUCKETS).astype(numpy.int64)]
    for g in (0, 1):
        mask = group == g
        norm = numpy.sqrt(numpy.square(weights[mask]).sum())
        if norm > 0:
            weights[mask] /= norm
    return weights.astype(numpy.float32)


def _cached(doc: Doc, model: Model[Any, Any]) -> Features:
    found = doc.user_data.get(_CACHE_KEY)
    if found is None:
        attrs = model.attrs
        found = doc_features(doc, attrs["word_ngrams"], attrs["char_min"], attrs["char_max"])
        doc.user_data[_CACHE_KEY] = found
    return found


def _forward(
    model: Model[Any, Any], docs: list[Doc], is_train: bool
) -> tuple[Any, Callable[..., Any]]:
    idf = numpy.asarray(model.get_param("idf"))
    keys_list, vals_list = [], []
    for doc in docs:
        features = _cached(doc, model)
        keys_list.append(features[0])
        vals_list.append(weigh(features, idf))
    lengths = numpy.asarray([len(k) for k in keys_list], dtype="int32")
    keys = numpy.concatenate(keys_list) if keys_list else numpy.zeros(0, dtype=numpy.uint64)
    vals = numpy.concatenate(vals_list) if vals_list else numpy.zeros(0, dtype=numpy.float32)
    return (keys, vals, lengths), lambda d_out: []


def _init(model: Model[Any, Any], X: Any = None, Y: Any = None) -> None:
    if not model.has_param("idf") or model.get_param("idf") is None:
        model.set_param("idf", cast(Any, numpy.ones(IDF_BUCKETS, dtype=numpy.float32)))


def _features(word_ngrams: int, char_min: int, char_max: int) -> Model[list[Doc], Any]:
    return Model(
        "rehearse_ngrams",
        _forward,
        init=_init,
        params={"idf": None},
        attrs={"word_ngrams": word_ngrams, "char_min": char_min, "char_max": char_max},
    )


def fit_idf(model: Model[Any, Any], docs: Iterable[Doc]) -> None:
    """Set the inverse document frequencies from the training docs (smoothed like scikit-learn)."""
    layer = model.get_ref(_FEATURES_REF)
    frequency = numpy.zeros(IDF_BUCKETS, dtype=numpy.float64)
    total = 0
    for doc in docs:
        keys = _cached(doc, layer)[0]
        frequency[numpy.unique((keys % IDF_BUCKETS).astype(numpy.int64))] += 1
        total += 1
    idf = numpy.log((1.0 + total) / (1.0 + frequency)) + 1.0
    layer.set_param("idf", cast(Any, idf.astype(numpy.float32)))


@registry.architectures(ARCHITECTURE)
def build_hashed_ngrams(
    word_ngrams: int = 2,
    char_min: int = 2,
    char_max: int = 4,
    length: int = 32768,
    nO: int | None = None,
) -> Model[list[Doc], Any]:
    """Exclusive-class classifier over TF-IDF-weighted hashed n-grams; see models/config.cfg."""
    features = _features(word_ngrams, char_min, char_max)
    linear = SparseLinear_v2(nO=nO, length=length)
    model: Model[list[Doc], Any] = chain(
        with_cpu(chain(features, linear), linear.ops),
        softmax_activation(),
    )
    if nO is not None:
        model.set_dim("nO", nO)
    model.set_ref("output_layer", linear)
    model.set_ref(_FEATURES_REF, features)
    model.attrs["multi_label"] = False
    return model
