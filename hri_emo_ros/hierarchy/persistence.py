# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Where the hierarchy keeps what outlives a restart, on top of `common.state_store`.

    <directory>/people/   one checksummed JSON record per person (observation space), with
                          the retention setting: people not seen for N days are deleted
    <directory>/model/    the learned parameters (no retention), with the fingerprint of the
                          checkpoint they started from: a different checkpoint wins over them
A record that is corrupt, truncated or does not describe a person is moved to `corrupt/`
and reported; the caller then starts that person afresh.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path
from typing import Any

from hri_emo_ros.common.state_store import StateStore
from hri_emo_ros.hierarchy.errors import CorruptParameters
from hri_emo_ros.hierarchy.model import HierarchyModel

MODEL_KEY = "hierarchy_model"


def fingerprint(model: HierarchyModel) -> str:
    digest = hashlib.sha256()
    for key, value in sorted(model.state_dict().items()):
        digest.update(key.encode("utf-8"))
        digest.update(value.detach().cpu().numpy().tobytes())
    return digest.hexdigest()[:16]


class HierarchyStore:
    def __init__(self, directory: str | os.PathLike[str], retention_days: float) -> None:
        root = Path(directory).expanduser()
        self.people = StateStore(root / "people", retention_days)
        self.models = StateStore(root / "model", 0.0)
        self.issues: list[str] = []
        for store in (self.people, self.models):
            store.clean_temporaries()

    def save_person(self, person_id: str, record: dict[str, Any]) -> bool:
        """Write a person's record; False (and an issue) if the disk refused it."""
        try:
            self.people.save(person_id, record)
        except (OSError, ValueError) as err:
            self.issues.append(f"could not save the state of {person_id!r}: {err}")
            return False
        return True

    def load_person(self, person_id: str) -> dict[str, Any] | None:
        try:
            result = self.people.load(person_id)
        except OSError as err:
            self.issues.append(f"could not read the state of {person_id!r}: {err}; "
                               "starting afresh")
            return None
        if result.error is not None:
            self.issues.append(f"person state {result.error}; set aside at "
                               f"{result.quarantined_to}; starting afresh")
            return None
        return None if result.payload is None else result.json()

    def reject_person(self, person_id: str, reason: str) -> None:
        """A checksum-valid record that does not describe a person: set it aside."""
        path = self.people.path_for(person_id)
        if path.exists():
            moved = self.people.quarantine(path)
            self.issues.append(f"person state {path.name}: {reason}; set aside at {moved}; "
                               "starting afresh")

    def forget_person(self, person_id: str) -> bool:
        return self.people.delete(person_id)

    def purge_expired(self, now: float | None = None) -> int:
        try:
            return len(self.people.purge_expired(time.time() if now is None else now))
        except OSError as err:
            self.issues.append(f"could not apply the retention setting: {err}")
            return 0

    def save_model(self, model: HierarchyModel, base: str, extra: dict[str, Any]) -> bool:
        try:
            self.models.save(MODEL_KEY, model.to_bytes({**extra, "base": base}))
        except OSError as err:
            self.issues.append(f"could not save the learned parameters: {err}")
            return False
        return True

    def load_model(self, base: str) -> tuple[HierarchyModel, dict[str, Any]] | None:
        """The stored model if it grew from the checkpoint with fingerprint `base`."""
        try:
            result = self.models.load(MODEL_KEY)
        except OSError as err:
            self.issues.append(f"could not read the learned parameters: {err}")
            return None
        if result.error is not None:
            self.issues.append(f"learned parameters {result.error}; set aside at "
                               f"{result.quarantined_to}; starting from the checkpoint")
            return None
        if result.payload is None:
            return None
        try:
            model, extra = HierarchyModel.from_bytes(result.payload)
        except CorruptParameters as err:
            path = self.models.path_for(MODEL_KEY)
            moved = self.models.quarantine(path)
            self.issues.append(f"learned parameters {path.name}: {err}; set aside at {moved}")
            return None
        return (model, extra) if extra.get("base") == base else None
