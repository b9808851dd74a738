"""Files that hold secret keys are refused unless they are the owner's alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from limes.crypto.private_files import check_private


class Refused(Exception):
    pass


def secret(tmp_path: Path, mode: int) -> Path:
    path = tmp_path / "secret.key"
    path.write_bytes(b"key")
    path.chmod(mode)
    return path


def test_a_file_of_the_owner_alone_passes(tmp_path: Path) -> None:
    check_private(secret(tmp_path, 0o600), 0o600, "the key file", Refused)
    check_private(secret(tmp_path, 0o400), 0o600, "the key file", Refused)


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o660, 0o644])
def test_a_file_others_may_read_is_refused_with_the_fix(tmp_path: Path, mode: int) -> None:
    path = secret(tmp_path, mode)
    with pytest.raises(Refused, match=rf"the key file .* has mode {mode:04o}: .*chmod 600 "):
        check_private(path, 0o600, "the key file", Refused)


def test_a_symbolic_link_is_refused_whatever_it_points_to(tmp_path: Path) -> None:
    link = tmp_path / "link.key"
    link.symlink_to(secret(tmp_path, 0o600))
    with pytest.raises(Refused, match="is a symbolic link; refused"):
        check_private(link, 0o600, "the key file", Refused)


def test_a_missing_file_is_left_to_the_caller_to_explain(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        check_private(tmp_path / "absent.key", 0o600, "the key file", Refused)
