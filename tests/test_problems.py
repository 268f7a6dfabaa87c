

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
