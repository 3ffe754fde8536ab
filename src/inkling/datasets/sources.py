"""The catalogue of named data sources: official URLs, path in the local mirror, size and checksum.

Every source has a ``path`` relative to the mirror root (``INKLING_DATA_DIR``, laid out like
``shared/data``); downloads land at the same relative path under the cache directory, so a cache
is itself a valid mirror. Sources without URLs are *mirror only* (repackaged or derived files).

Per-word Quick, Draw! files are a family of sources named ``quickdraw-<format>/<word>``
(formats: ``simplified``, ``raw``, ``bitmap``, ``sketchrnn``). Their mirror path copies the official
bucket layout (``quickdraw/full/simplified/<word>.ndjson``...); the shared mirror does not hold them,
so they normally come from the cache or the official bucket. For offline work the mirror's samples
(``quickdraw-simplified-sample``, ``quickdraw-raw-sample``: all words in one file, about 25 drawings
each) can be filtered by word instead: see :func:`inkling.datasets.quickdraw.word_drawings`.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import get_close_matches
from urllib.parse import quote

from inkling.datasets.errors import MirrorOnlyError, UnknownSourceError

QUICKDRAW_BUCKET = "https://storage.googleapis.com/quickdraw_dataset"
QUICKDRAW_LICENSE = "CC BY 4.0 (Google, Quick, Draw!)"
MNIST_LICENSE = "CC BY-SA 3.0 (LeCun & Cortes)"
MNIST_IDX_BASE = "https://storage.googleapis.com/cvdf-datasets/mnist"


@dataclass(frozen=True)
class Archive:
    """How to unpack a downloaded archive into a directory source."""

    # members under this prefix are extracted, with the prefix stripped
    member_prefix: str
    # only members with these (lower-case) suffixes are kept
    suffixes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Source:
    """One named data source."""

    name: str
    # path relative to the mirror root (and to the cache root)
    path: str
    description: str
    # official public URLs, tried in order; empty for mirror-only sources
    urls: tuple[str, ...] = ()
    # bytes of the official download, when known (checked after download)
    size: int | None = None
    # SHA-256 of the official download, when known (checked after download)
    sha256: str | None = None
    license: str = ""
    # a directory rather than a single file
    is_dir: bool = False
    # set when the official URL is an archive that is unpacked into ``path``
    archive: Archive | None = None

    @property
    def mirror_only(self) -> bool:
        """True when no official URL exists for this source."""
        return not self.urls

    def official_url(self) -> str:
        """The first official URL; raises :class:`MirrorOnlyError` for mirror-only sources."""
        if not self.urls:
            raise MirrorOnlyError(
                f"{self.name!r} has no official public URL: it exists only in the local mirror "
                f"at <INKLING_DATA_DIR>/{self.path}"
            )
        return self.urls[0]


@dataclass(frozen=True)
class WordFormat:
    """A per-word Quick, Draw! file format in the official bucket."""

    folder: str
    suffix: str
    description: str


WORD_FORMATS: dict[str, WordFormat] = {
    "simplified": WordFormat("full/simplified", ".ndjson", "simplified ndjson (strokes [[xs],[ys]], 0..255)"),
    "raw": WordFormat("full/raw", ".ndjson", "raw ndjson (strokes [[xs],[ys],[ts]], canvas pixels)"),
    "bitmap": WordFormat("full/numpy_bitmap", ".npy", "numpy_bitmap: uint8 (N, 784), 28x28 white on black"),
    "sketchrnn": WordFormat(
        "sketchrnn", ".npz", "sketch-rnn stroke-3 train/valid/test (pickled object arrays)"
    ),
}


def quickdraw_url(word: str, fmt: str = "simplified") -> str:
    """The official bucket URL of one word's file (spaces and other characters URL-quoted)."""
    spec = _word_format(fmt)
    return f"{QUICKDRAW_BUCKET}/{spec.folder}/{quote(word)}{spec.suffix}"


def quickdraw_word_source(word: str, fmt: str = "simplified") -> Source:
    """The source for one Quick, Draw! word in one format, e.g. ``quickdraw-bitmap/cat``."""
    spec = _word_format(fmt)
    if not word or "/" in word or word != word.strip():
        raise UnknownSourceError(f"not a Quick, Draw! word: {word!r}")
    return Source(
        name=f"quickdraw-{fmt}/{word}",
        path=f"quickdraw/{spec.folder}/{word}{spec.suffix}",
        description=f"Quick, Draw! {word!r}: {spec.description}",
        urls=(quickdraw_url(word, fmt),),
        license=QUICKDRAW_LICENSE,
    )


def _word_format(fmt: str) -> WordFormat:
    if fmt not in WORD_FORMATS:
        raise UnknownSourceError(
            f"unknown Quick, Draw! format {fmt!r}; choose from {', '.join(WORD_FORMATS)}"
        )
    return WORD_FORMATS[fmt]


def _mnist_idx(name: str, filename: str, size: int, what: str) -> Source:
    return Source(
        name=name,
        path=f"mnist/{filename}",
        description=f"MNIST {what} (official idx, gzip)",
        urls=(f"{MNIST_IDX_BASE}/{filename}",),
        size=size,
        license=MNIST_LICENSE,
    )


_CATALOGUE: tuple[Source, ...] = (
    Source(
        name="quickdraw-categories",
        path="quickdraw/categories.txt",
        description="the 345 official Quick, Draw! categories, one per line, official order",
        urls=("https://raw.githubusercontent.com/googlecreativelab/quickdraw-dataset/master/categories.txt",),
        size=2791,
        sha256="6326fde883ce71b53153bdf50b3671dc6652c8c14e67c7d07d23c1af6d103f4b",
        license=QUICKDRAW_LICENSE,
    ),
    Source(
        name="quickdraw-simplified-sample",
        path="quickdraw/quickdraw_simplified_sample.ndjson.gz",
        description="simplified ndjson sample: 9,056 drawings of 344 words (about 25 each) in one file",
        license=QUICKDRAW_LICENSE,
    ),
    Source(
        name="quickdraw-raw-sample",
        path="quickdraw/quickdraw_raw_sample.ndjson.gz",
        description="raw ndjson sample: 7,910 drawings, the same sketches as the simplified sample",
        license=QUICKDRAW_LICENSE,
    ),
    Source(
        name="quickdraw-simplified-sample-counts",
        path="quickdraw/quickdraw_simplified_sample_counts.json",
        description="per-word drawing counts of the simplified sample (JSON object)",
        license=QUICKDRAW_LICENSE,
    ),
    Source(
        name="quickdraw-raw-sample-counts",
        path="quickdraw/quickdraw_raw_sample_counts.json",
        description="per-word drawing counts of the raw sample (JSON object)",
        license=QUICKDRAW_LICENSE,
    ),
    Source(
        name="quickdraw-bitmaps-6class",
        path="quickdraw/quickdraw_bitmap_6class_first100.npz",
        description="first 100 official numpy_bitmap rows of apple, bicycle, cat, diamond, eye, fish",
        license=QUICKDRAW_LICENSE,
    ),
    Source(
        name="quickdraw-bitmaps-64class",
        path="quickdraw_more/quickdraw_bitmaps_64class.npz",
        description="162,135 official 28x28 bitmaps of 64 words (x, y, class_names)",
        license=QUICKDRAW_LICENSE,
    ),
    Source(
        name="quickdraw-bitmaps-64class-sources",
        path="quickdraw_more/quickdraw_bitmaps_64class_sources.json",
        description="sidecar of the 64-class bitmaps: per-row origin, class counts, DoodleNet scores",
        license=QUICKDRAW_LICENSE,
    ),
    Source(
        name="quickdraw-rendered-10class",
        path="quickdraw_more/quickdraw_rendered28_10class_bryanlusse.npz",
        description="12,000 third-party 28x28 renderings of 10 words (NOT Google's rendering)",
        license=QUICKDRAW_LICENSE,
    ),
    Source(
        name="quickdraw-word-stats",
        path="quickdraw_more/quickdraw_word_stats.json",
        description="per-word drawing statistics (stroke counts, drawing and pause times)",
        license=QUICKDRAW_LICENSE,
    ),
    Source(
        name="words-wordnet",
        path="words/quickdraw_categories_wordnet.json",
        description="the 345 words with WordNet senses and a suggested game group",
        license="WordNet 3.0 license + CC BY 4.0",
    ),
    Source(
        name="mnist",
        path="mnist/mnist.npz",
        description="MNIST, Keras npz layout: x_train, y_train, x_test, y_test",
        urls=("https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz",),
        size=11490434,
        sha256="731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
        license=MNIST_LICENSE,
    ),
    _mnist_idx("mnist-train-images", "train-images-idx3-ubyte.gz", 9912422, "training images"),
    _mnist_idx("mnist-train-labels", "train-labels-idx1-ubyte.gz", 28881, "training labels"),
    _mnist_idx("mnist-test-images", "t10k-images-idx3-ubyte.gz", 1648877, "test images"),
    _mnist_idx("mnist-test-labels", "t10k-labels-idx1-ubyte.gz", 4542, "test labels"),
    Source(
        name="bsds500",
        path="photos/bsds500",
        description="BSDS500 photos, 481x321 JPEG: train/ val/ test/ (200/100/200)",
        urls=("https://www2.eecs.berkeley.edu/Research/Projects/CS/vision/grouping/BSR/BSR_bsds500.tgz",),
        license="research / non-commercial (cite Arbelaez et al., TPAMI 2011)",
        is_dir=True,
        archive=Archive(member_prefix="BSR/BSDS500/data/images/", suffixes=(".jpg",)),
    ),
    Source(
        name="sketch-aaron-sheep",
        path="sketch_extras/aaron_sheep_stroke3.npz",
        description="sketch-rnn Aaron Koblin sheep, stroke-3, converted to pickle-free npz",
        license="CC BY-NC 4.0 (non-commercial)",
    ),
    Source(
        name="sketch-omniglot",
        path="sketch_extras/omniglot_stroke3.npz",
        description="sketch-rnn Omniglot strokes, stroke-3, converted to pickle-free npz",
        license="MIT",
    ),
    Source(
        name="doodlenet-tfjs",
        path="pretrained/doodlenet_tfjs",
        description="ml5 DoodleNet, 345 classes, TF.js layers model + class_names.txt",
        license="MIT",
        is_dir=True,
    ),
    Source(
        name="doodlenet-keras",
        path="pretrained/doodlenet_keras",
        description="ml5 DoodleNet, 345 classes, Keras HDF5 + class_names.txt",
        license="MIT (weights identical to the ml5 copy)",
        is_dir=True,
    ),
    Source(
        name="sketcher-tfjs",
        path="pretrained/sketcher_tfjs",
        description="Sketcher (Zaid Alyafeai), 100 classes, TF.js model + class_names.txt",
        license="MIT",
        is_dir=True,
    ),
)

SOURCES: dict[str, Source] = {source.name: source for source in _CATALOGUE}


def get_source(name: str) -> Source:
    """Look a source up by name, including the per-word ``quickdraw-<format>/<word>`` family."""
    if name in SOURCES:
        return SOURCES[name]
    family, _, word = name.partition("/")
    if family.startswith("quickdraw-") and word:
        return quickdraw_word_source(word, family.removeprefix("quickdraw-"))
    close = get_close_matches(name, SOURCES, n=3)
    hint = f"did you mean {' or '.join(close)}? " if close else ""
    raise UnknownSourceError(
        f"unknown data source {name!r}; {hint}see `inkling data list` "
        f"(per-word files: quickdraw-<{'|'.join(WORD_FORMATS)}>/<word>)"
    )


def list_sources() -> list[Source]:
    """Every named source in catalogue order (the per-word family is not expanded)."""
    return list(_CATALOGUE)
