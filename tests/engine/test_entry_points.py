"""Installed entry points are found exactly as `importlib.metadata` finds them.

plangate reads package metadata itself (importing `importlib.metadata` costs more than a
small check's lookup); each test builds folders of `*.dist-info` / `*.egg-info` on a
private `sys.path` and holds plangate's answer to the standard library's.
"""

from __future__ import annotations

import importlib
import sys
import zipfile
from importlib import metadata
from pathlib import Path

import pytest
from plangate import entry_points as reader

GROUP = "plangate.policies"


def _dist(root: Path, folder: str, entry_points: str | None, name: str | None = None) -> None:
    info = root / folder
    info.mkdir(parents=True)
    project = name or folder.rpartition(".")[0].partition("-")[0]
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {project}\nVersion: 1.0\n")
    if entry_points is not None:
        (info / "entry_points.txt").write_text(entry_points)


def _both(monkeypatch: pytest.MonkeyPatch, path: list[str], group: str = GROUP):
    monkeypatch.setattr(sys, "path", path)
    importlib.invalidate_caches()
    ours = [(e.name, e.value, e.group, e.project) for e in reader.entry_points(group)]
    theirs = [
        (e.name, e.value, e.group, e.dist.name if e.dist else None)
        for e in metadata.entry_points(group=group)
    ]
    return ours, theirs


def _fast_path_taken(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Calls of the standard library's lookup (the fallback) during a test."""
    calls: list[str] = []
    original = reader._from_importlib

    def spy(group: str):
        calls.append(group)
        return original(group)

    monkeypatch.setattr(reader, "_from_importlib", spy)
    return calls


def test_the_first_project_of_a_name_on_the_path_shadows_the_later_ones(tmp_path, monkeypatch):
    first, second = tmp_path / "first", tmp_path / "second"
    _dist(first, "acme_pack-2.0.dist-info", f"[{GROUP}]\nacme = acme_new\n")
    _dist(second, "Acme.Pack-1.0.dist-info", f"[{GROUP}]\nacme = acme_old\nother = o:x\n")
    _dist(second, "zeta-1.0.dist-info", f"[{GROUP}]\nzeta = zeta_pack:thing.attr [extra]\n")
    _dist(second, "beta-1.0.egg-info", f"[{GROUP}]\n beta =  beta_pack \n")
    fallback = _fast_path_taken(monkeypatch)
    ours, theirs = _both(monkeypatch, [str(first), str(tmp_path / "missing"), str(second)])
    assert ours == theirs
    assert ("acme", "acme_new", GROUP, "acme_pack") in ours
    assert not any(value == "acme_old" for _, value, _, _ in ours)
    assert not fallback, "a plain environment is read without importlib.metadata"


def test_two_versions_of_one_project_in_one_folder_count_once(tmp_path, monkeypatch):
    _dist(tmp_path, "dup-1.0.dist-info", f"[{GROUP}]\none = one\n")
    _dist(tmp_path, "dup-2.0.dist-info", f"[{GROUP}]\ntwo = two\n")
    _dist(tmp_path, "DUP_other-1.0.dist-info", f"[{GROUP}]\nthree = three\n")
    ours, theirs = _both(monkeypatch, [str(tmp_path)])
    assert ours == theirs
    assert len(ours) == 2


def test_comments_blank_lines_and_lines_before_any_section_are_read_as_there(tmp_path, monkeypatch):
    text = (
        "orphan = before_any_section\n\n# a comment\n"
        f"[console_scripts]\nx = y:z\n\n[{GROUP}]\n  # indented comment\n"
        "spaced   =   spaced.module : attr  \n"
        f"[ {GROUP} ]\nodd = section_with_spaces\n"
        f"[{GROUP}]\nagain = second_block\n"
    )
    _dist(tmp_path, "odd-1.0.dist-info", text)
    _dist(tmp_path, "nothing-1.0.dist-info", None)
    _dist(tmp_path, "other-1.0.dist-info", "[plangate.reporters]\nfmt = f:reporter\n")
    ours, theirs = _both(monkeypatch, [str(tmp_path)])
    assert ours == theirs
    assert [name for name, *_ in ours] == ["spaced", "again"]
    assert _both(monkeypatch, [str(tmp_path)], "plangate.reporters")[0] == [
        ("fmt", "f:reporter", "plangate.reporters", "other")
    ]


def test_a_line_without_an_equals_sign_fails_as_the_standard_library_does(tmp_path, monkeypatch):
    _dist(tmp_path, "broken-1.0.dist-info", "[some.other.group]\nno equals sign here\n")
    monkeypatch.setattr(sys, "path", [str(tmp_path)])
    with pytest.raises(TypeError):
        metadata.entry_points(group=GROUP)
    with pytest.raises(TypeError):
        reader.entry_points(GROUP)


def test_the_working_directory_counts_only_when_it_is_on_the_path(tmp_path, monkeypatch):
    _dist(tmp_path, "planted-1.0.dist-info", f"[{GROUP}]\nplanted = planted_pack\n")
    monkeypatch.chdir(tmp_path)
    assert _both(monkeypatch, [""])[0] == [("planted", "planted_pack", GROUP, "planted")]
    assert _both(monkeypatch, [str(tmp_path / "elsewhere")]) == ([], [])


@pytest.mark.parametrize("kind", ["zip", "egg", "upper-case suffix", "hook"])
def test_what_only_the_standard_library_reads_right_is_left_to_it(tmp_path, monkeypatch, kind):
    _dist(tmp_path / "plain", "plain-1.0.dist-info", f"[{GROUP}]\nplain = plain_pack\n")
    path = [str(tmp_path / "plain")]
    if kind == "zip":
        archive = tmp_path / "packs.zip"
        with zipfile.ZipFile(archive, "w") as zipped:
            zipped.writestr("zipped-1.0.dist-info/METADATA", "Name: zipped\nVersion: 1\n")
            zipped.writestr("zipped-1.0.dist-info/entry_points.txt", f"[{GROUP}]\nz = zipped\n")
        path.append(str(archive))
    elif kind == "egg":
        egg = tmp_path / "legacy-1.0.egg"
        _dist(egg, "EGG-INFO", f"[{GROUP}]\nlegacy = legacy_pack\n", name="legacy")
        path.append(str(egg))
    elif kind == "upper-case suffix":
        _dist(tmp_path / "plain", "Shouty-1.0.DIST-INFO", f"[{GROUP}]\nloud = loud\n", "Shouty")
    else:

        class Finder:
            @staticmethod
            def find_spec(*args):
                return None

            @staticmethod
            def find_distributions(*args, **kwargs):
                return iter(())

        monkeypatch.setattr(sys, "meta_path", [*sys.meta_path, Finder])
    fallback = _fast_path_taken(monkeypatch)
    ours, theirs = _both(monkeypatch, path)
    assert ours == theirs
    assert fallback == [GROUP]


def test_an_entry_point_loads_the_object_its_value_names():
    ep = reader.InstalledEntryPoint("x", "plangate.errors:PlangateError", GROUP, lambda: "p")
    from plangate.errors import PlangateError

    assert ep.load() is PlangateError
    assert (
        reader.InstalledEntryPoint("m", "plangate.errors", GROUP, lambda: "p").load()
        is (sys.modules["plangate.errors"])
    )
    with pytest.raises(ValueError):
        reader.InstalledEntryPoint("bad", "not a value!", GROUP, lambda: "p").load()


def test_a_folder_whose_name_starts_with_a_dash_is_named_by_its_metadata(tmp_path, monkeypatch):
    # importlib.metadata names "-x.dist-info" by its METADATA (the stem gives no name):
    # two such folders are two projects, and one may shadow a later project of its name.
    _dist(tmp_path / "first", "-a.dist-info", f"[{GROUP}]\na = a_pack\n", name="alpha")
    _dist(tmp_path / "first", "-b.dist-info", f"[{GROUP}]\nb = b_pack\n", name="real")
    _dist(tmp_path / "second", "real-1.0.dist-info", f"[{GROUP}]\nr = real_pack\n")
    ours, theirs = _both(monkeypatch, [str(tmp_path / "first"), str(tmp_path / "second")])
    assert ours == theirs
    assert sorted(name for name, *_ in ours) == ["a", "b"]
