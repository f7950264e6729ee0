"""Lexicons and rules are data, checked at start-up: a typo fails loudly instead of matching nothing."""

import ast
import shutil
from pathlib import Path

import pytest
import yaml

from analysis.nlp.resources import RESOURCES_DIR, ResourceError, expand, load_resources
from analysis.nlp.version import NOT_RULES, compute_version, rule_modules

PACKAGE = Path(__file__).resolve().parents[1]


@pytest.fixture
def resources_copy(tmp_path):
    target = tmp_path / "resources"
    shutil.copytree(RESOURCES_DIR, target)
    return target


def _edit(path: Path, change):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_the_committed_resources_load():
    res = load_resources()
    names = {i.name for i in res.interventions}
    assert {"walking", "pool", "yoga", "tai chi", "graded exercise therapy", "ldn", "pacing"} <= names


def test_alternatives_expand_to_every_phrase():
    assert expand("{eases|eased} {my |}pain") == [
        "eases my pain",
        "eases pain",
        "eased my pain",
        "eased pain",
    ]
    assert expand("{a|b {c|d}}") == ["a", "b c", "b d"]


def test_an_unknown_key_fails_fast(resources_copy):
    _edit(resources_copy / "context.yaml", lambda d: d["negation"].update({"windwo": 3}))
    with pytest.raises(ResourceError, match="windwo"):
        load_resources(resources_copy)


def test_an_unknown_symptom_fails_fast(resources_copy):
    _edit(resources_copy / "cues.yaml", lambda d: d["helped"][0].update({"symptoms": ["pian"]}))
    with pytest.raises(ResourceError, match="pian"):
        load_resources(resources_copy)


def test_an_unknown_intervention_kind_fails_fast(resources_copy):
    _edit(
        resources_copy / "interventions.yaml",
        lambda d: d["interventions"]["yoga"].update({"kind": "exersice"}),
    )
    with pytest.raises(ResourceError, match="exersice"):
        load_resources(resources_copy)


def test_a_weight_out_of_range_fails_fast(resources_copy):
    _edit(resources_copy / "cues.yaml", lambda d: d["worsened"][0].update({"weight": 3}))
    with pytest.raises(ResourceError, match="weight"):
        load_resources(resources_copy)


def test_unbalanced_braces_fail_fast(resources_copy):
    _edit(resources_copy / "cues.yaml", lambda d: d["helped"][0]["phrases"].append("{helps|helped"))
    with pytest.raises(ResourceError, match="brace"):
        load_resources(resources_copy)


@pytest.mark.parametrize(
    "change, message",
    [
        # an unquoted `no` is read by YAML as false
        (lambda d: d["names"]["not_names"].append(False), r"words\.yaml:names\.not_names: .*False"),
        (
            lambda d: d["flags"]["habitual"].append("Every"),
            r"words\.yaml:flags\.habitual: 'Every' has capitals",
        ),
        (
            lambda d: d["attribution"]["coordinators"].append("as well"),
            r"words\.yaml:attribution\.coordinators",
        ),
        (lambda d: d["numbers"]["words"].append("two"), r"words\.yaml:numbers\.words: repeated .*'two'"),
        (lambda d: d["flags"].update({"habitaul": ["every"]}), r"words\.yaml:flags: unknown key.*habitaul"),
        (lambda d: d["cues"].update({"ability": []}), r"words\.yaml:cues\.ability"),
    ],
)
def test_a_bad_word_list_fails_fast_naming_the_file_and_the_key(resources_copy, change, message):
    # given a words.yaml with a typo; when it is loaded; then the error names the file and the list
    _edit(resources_copy / "words.yaml", change)
    with pytest.raises(ResourceError, match=message):
        load_resources(resources_copy)


def test_the_word_lists_are_loaded_in_file_order():
    words = load_resources().words
    assert words["numbers"]["words"][:3] == ("zero", "one", "two")  # a number word's value is its place
    assert "no" in words["names"]["not_names"] and "on" in words["flags"]["absence_after"]
    assert words["persons"]["not_pronouns"] == ("ME", "US")


def test_the_version_changes_when_a_lexicon_changes(resources_copy):
    before = compute_version(resources_copy)
    assert before == compute_version()
    _edit(resources_copy / "cues.yaml", lambda d: d["helped"][0]["phrases"].append("did me a power of good"))
    assert compute_version(resources_copy) != before


def test_the_version_changes_when_the_model_changes(resources_copy):
    before = compute_version(resources_copy)
    (resources_copy / "decision_model.json").write_text("{}", encoding="utf-8")
    assert compute_version(resources_copy) != before


@pytest.fixture
def package_copy(tmp_path):
    target = tmp_path / "nlp"
    shutil.copytree(PACKAGE, target, ignore=shutil.ignore_patterns("__pycache__", "data", "resources"))
    return target


def test_the_version_covers_every_module_of_the_package_but_the_tooling(package_copy):
    # given a copy of the package's code, with the committed resources
    modules = rule_modules(package_copy)
    assert {"tagger.py", "components/__init__.py", "components/context.py", "components/flags.py"} <= set(
        modules
    )
    assert not [m for m in modules if m.split("/")[0] in NOT_RULES]
    before = compute_version(RESOURCES_DIR, package_copy)
    assert before == compute_version()

    # when a test changes, then the version does not
    (package_copy / "tests" / "test_new.py").write_text("# new\n", encoding="utf-8")
    assert compute_version(RESOURCES_DIR, package_copy) == before

    # when a rule module is added, even deep in a subpackage, then it does
    (package_copy / "components" / "new_rule.py").write_text("X = 1\n", encoding="utf-8")
    assert compute_version(RESOURCES_DIR, package_copy) != before


def test_a_pipeline_can_be_built_from_another_resources_directory(resources_copy):
    from analysis.nlp.pipeline import build_pipeline
    from analysis.nlp.tagger import Tagger

    _edit(
        resources_copy / "interventions.yaml",
        lambda d: d["interventions"]["walking"]["phrases"].append("{shuffle round the garden}"),
    )
    tagger = Tagger(build_pipeline(resources_copy, method="rules"))
    assert [i.name for i in tagger.tag("A shuffle round the garden helps my mood.").interventions] == [
        "walking"
    ]


def test_the_package_imports_nothing_from_django_or_the_apps():
    package = Path(__file__).resolve().parents[1]
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                modules = [node.module or ""]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                assert top not in ("django", "forum", "accounts", "config"), f"{path} imports {module}"
                if top == "analysis":
                    assert module.startswith("analysis.nlp"), f"{path} imports {module}"
