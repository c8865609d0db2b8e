"""Property-based tests of the pack loader: any bytes, any YAML shape, never a crash."""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.core.packs.loader import MAX_PACK_BYTES, load_pack_file, load_packs
from tests.helpers import MINIMAL_PACK, write_pack

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=30))
trees = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.sampled_from(["pack", "scenarios", "id", "name", "steps", "title", "phrases", "text", "mandatory",
                             "keywords", "facts", "defaults", "continuity", "order", "tags", "x"]),
            children,
            max_size=5,
        ),
    ),
    max_leaves=25,
)


def check_result(path, scenarios, problems):
    errors = [p for p in problems if p.severity == "error"]
    assert not (errors and scenarios), "a file with errors must contribute nothing"
    for problem in problems:
        assert problem.file == str(path) and problem.line >= 1 and problem.message


@SETTINGS
@given(raw=st.binary(max_size=400))
def test_any_bytes(tmp_path, raw):
    path = tmp_path / "random.yaml"
    path.write_bytes(raw)
    _, scenarios, problems = load_pack_file(path)
    check_result(path, scenarios, problems)


@SETTINGS
@given(tree=trees)
def test_any_yaml_structure(tmp_path, tree):
    path = tmp_path / "tree.yaml"
    path.write_text(yaml.safe_dump(tree, allow_unicode=True), encoding="utf-8")
    _, scenarios, problems = load_pack_file(path)
    check_result(path, scenarios, problems)
    assert scenarios or problems  # something loaded, or it says why not


@SETTINGS
@given(cut=st.integers(min_value=0, max_value=len(MINIMAL_PACK)))
def test_truncated_pack_never_loads_half(tmp_path, cut):
    path = write_pack(tmp_path, "cut.yaml", MINIMAL_PACK[:cut])
    _, scenarios, problems = load_pack_file(path)
    check_result(path, scenarios, problems)
    for scenario in scenarios:
        assert all(step.title for step in scenario.steps)


def test_very_large_file_is_refused_quickly(tmp_path):
    path = tmp_path / "huge.yaml"
    path.write_bytes(b"# " + b"x" * (MAX_PACK_BYTES + 10))
    write_pack(tmp_path, "ok.yaml", MINIMAL_PACK)
    result = load_packs([tmp_path])
    assert [s.id for s in result.library.scenarios] == ["test-scenario"]
    (problem,) = result.errors
    assert problem.file == str(path) and "too large" in problem.message
