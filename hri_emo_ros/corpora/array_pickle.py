# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Open the pickles that MulT and MMSA distribute (dicts of lists and numpy arrays) without
letting a pickle run code: only numpy arrays, dtypes, scalars and plain containers may be
rebuilt, anything else is refused with the name of what the file asked for. Pickles written
by Python 2 (numpy arrays as latin-1 byte strings) are read too.
"""

from __future__ import annotations

import pickle
from pathlib import Path

from hri_emo_ros.corpora.errors import CorpusError

ALLOWED: dict[str, set[str]] = {
    "numpy": {"ndarray", "dtype"},
    "numpy.core.multiarray": {"_reconstruct", "scalar"},
    "numpy._core.multiarray": {"_reconstruct", "scalar"},
    "numpy.core.numeric": {"_frombuffer"},
    "numpy._core.numeric": {"_frombuffer"},
    "collections": {"OrderedDict"},
    "builtins": {"list", "dict", "tuple", "set", "frozenset", "int", "float", "complex",
                 "str", "bytes", "bytearray", "bool", "slice"},
    "__builtin__": {"list", "dict", "tuple", "set", "frozenset", "int", "float", "complex",
                    "str", "bytes", "bytearray", "bool", "slice", "unicode", "long"},
    "copy_reg": {"_reconstructor"},
    "copyreg": {"_reconstructor"},
    "_codecs": {"encode"},
}
PYTHON2_NAMES = {("__builtin__", "unicode"): ("builtins", "str"),
                 ("__builtin__", "long"): ("builtins", "int")}


class _ArrayUnpickler(pickle.Unpickler):
    def __init__(self, handle, path: Path, **kwargs) -> None:
        super().__init__(handle, **kwargs)
        self.path = path

    def find_class(self, module: str, name: str):
        if name not in ALLOWED.get(module, ()):
            raise CorpusError("unsafe_pickle", f"{self.path} asks to build {module}.{name}, "
                              f"which a MulT/MMSA feature pickle never holds; refusing to "
                              f"unpickle it")
        module, name = PYTHON2_NAMES.get((module, name), (module, name))
        if module == "__builtin__":
            module = "builtins"
        return super().find_class(module, name)


def read_array_pickle(path: Path) -> object:
    """The object in `path` (numpy arrays and plain containers only)."""
    path = Path(path)
    for encoding in ("ASCII", "latin1"):
        try:
            with open(path, "rb") as handle:
                return _ArrayUnpickler(handle, path, encoding=encoding).load()
        except UnicodeDecodeError:
            continue
        except (pickle.UnpicklingError, EOFError, AttributeError, ImportError,
                ValueError, TypeError) as error:
            if isinstance(error, CorpusError):
                raise
            raise CorpusError("bad_pickle", f"{path} is not a readable pickle "
                              f"({type(error).__name__}: {error})") from None
    raise CorpusError("bad_pickle", f"{path}: text in the pickle is neither ASCII nor latin-1")


def read_split_pickle(path: Path, kind: str, splits: dict[str, str]) -> dict[str, object]:
    """{our split: its data} from a pickle holding {"train", "valid", "test"} (MMSA, MulT);
    `splits` maps our split names to theirs. `kind` names the format in errors."""
    data = read_array_pickle(path)
    if not isinstance(data, dict):
        raise CorpusError("bad_layout", f"{path} holds a {type(data).__name__}; {kind} "
                          f"holds a dict with {', '.join(splits.values())}")
    missing = [theirs for theirs in splits.values() if theirs not in data]
    if missing:
        raise CorpusError("bad_layout", f"{path} has no '{missing[0]}' split; {kind} maps "
                          f"{', '.join(splits.values())} to their arrays")
    return {ours: data[theirs] for ours, theirs in splits.items()}
