"""The one located problem type and the one usage error."""

from __future__ import annotations

import click
import pytest

from timeline import edit
from timeline.problems import Problem, UsageProblem, data_path, dotted, field_problem


def test_problems_print_as_file_line_col_and_warnings_say_so():
    assert str(Problem("a.yaml", 3, 7, "events[0].date: bad")) == "a.yaml:3:7: events[0].date: bad"
    warning = Problem("a.yaml", 3, 7, "twice", "warning")
    assert str(warning) == "a.yaml:3:7: warning: twice" and warning.warning
    assert sorted([Problem("b", 1, 1, "x"), Problem("a", 2, 1, "x"), Problem("a", 1, 9, "x")]) == [
        Problem("a", 1, 9, "x"), Problem("a", 2, 1, "x"), Problem("b", 1, 1, "x"),
    ]  # fmt: skip


def test_a_field_problem_has_no_line_and_prints_with_its_file_once_it_has_one():
    problem = field_problem("countries", "countries[0]: unknown country 'CNN'")
    assert (problem.field, problem.line, str(problem)) == ("countries", 0, "countries[0]: unknown country 'CNN'")
    refused = edit.DataError("events.yaml", [problem, Problem("events.yaml", 4, 2, "bad")])
    assert refused.lines() == ["events.yaml: countries[0]: unknown country 'CNN'", "events.yaml:4:2: bad"]
    assert refused.fields == {"countries": ["countries[0]: unknown country 'CNN'"]}


def test_field_error_is_a_view_over_problem():
    problem = edit.FieldError("id", "id: taken")
    assert type(problem) is Problem and problem == field_problem("id", "id: taken")
    assert isinstance(problem, edit.FieldError)
    assert not isinstance(Problem("a.yaml", 1, 1, "x"), edit.FieldError)


def test_a_usage_problem_exits_2_and_may_name_its_option():
    problem = UsageProblem("'x' is not one of a, b", "--view")
    assert isinstance(problem, click.ClickException) and isinstance(problem, ValueError)
    assert (problem.exit_code, problem.option, str(problem)) == (2, "--view", "'x' is not one of a, b")
    assert UsageProblem("no FILE").option is None


@pytest.mark.parametrize("loc, text", [
    ((), "(top)"), (("events",), "events"), (("events", 3, "sources", 0, "url"), "events[3].sources[0].url"),
    ((0, "id"), "[0].id"),
])  # fmt: skip
def test_dotted_paths(loc, text):
    assert dotted(loc) == text


def test_data_path_drops_union_branches_and_keeps_missing_keys():
    data = {"events": [{"milestone": ["a", 1]}], "countries": {"su": {}}}
    assert data_path(("events", 0, "milestone", "list[str]", 1), data) == (("events", 0, "milestone", 1), False)
    assert data_path(("events", 0, "titel"), data) == (("events", 0, "titel"), False)
    assert data_path(("countries", "su", "[key]"), data) == (("countries", "su"), True)
    assert data_path(("rules", 0, "from_"), {"rules": [{}]}, {"from_": "from"}) == (("rules", 0, "from"), False)


def test_many_alike_warnings_are_counted_after_the_first_five_of_their_kind():
    from timeline.problems import Problem, summarised

    alike = [Problem("f.yaml", 10 + i, 5, f"events[{i}].date: 1990-01-{i + 1:02d} is in the past", "warning")
             for i in range(12)]  # fmt: skip
    other = Problem("f.yaml", 3, 1, "types.x.symbol: type 'x' reuses symbol 'star'", "warning")
    lines = summarised([other, *alike])
    assert lines[0] == str(other) and lines[1:6] == [str(p) for p in alike[:5]]
    assert lines[6] == "... and 7 more warnings like the one above (f.yaml:15 to f.yaml:21)"
    assert len(lines) == 7
    assert summarised(alike[:5]) == [str(p) for p in alike[:5]]  # five are printed as they are
