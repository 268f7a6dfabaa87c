"""The claims view's data: the validator's rules, rows and filters, the dumbbell chart, the
fact-check table (`timeline claims`) and exports."""

from __future__ import annotations

import csv
import io

import plotly.graph_objects as go
import pytest

from timeline import claims, frame, store
from timeline.charts import THEMES, Look
from timeline.cli import main
from timeline.frame import Filters

from .conftest import EVENTS
from .fixtures import CLAIMS_FIXTURE, write_fixture


@pytest.fixture
def claims_file(tmp_path):
    return write_fixture(tmp_path, CLAIMS_FIXTURE)


@pytest.fixture
def loaded(claims_file):
    result = store.load([claims_file])
    assert result.ok, result.errors
    return result


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


# --- the validator --------------------------------------------------------------------------------


@pytest.mark.parametrize("old, new, anchor, message", [
    ("    verdict: contradicted\n", "    verdict: wrong\n", "verdict: wrong",
     "claims[1].verdict: expected one of 'supported', 'partly', 'contradicted' or 'unverifiable', got text 'wrong'"),
    ("    note: It exploded on the pad in December 1957.\n", "", "id: blue-vanguard",
     "claims[2].note: a note is required when the verdict is partly: say what the record says"),
    ("    events: [sputnik-1]\n", "", "id: red-sputnik", "claims[0].events: name the events that decide a claim judged supported"),
    ("    article: blue\n    claim: Vanguard", "    article: green\n    claim: Vanguard", "article: green",
     "claims[2].article: unknown article 'green'"),
    ("    events: [dongfanghong-1]\n", "    events: [dongfanghong-2]\n", "dongfanghong-2",
     "claims[1].events[0]: unknown event 'dongfanghong-2' (did you mean 'dongfanghong-1'?)"),
    ("  - id: blue-secret\n", "  - id: red-sputnik\n", "id: red-sputnik",
     "claims[3].id: duplicate claim id 'red-sputnik'"),
    ("    claimed_date: 1975\n", "    claimed_date: 1975-13\n", "claimed_date: 1975-13",
     "claims[1].claimed_date: impossible date '1975-13'"),
])  # fmt: skip
def test_a_bad_claim_is_located_and_explained(runner, tmp_path, old, new, anchor, message):
    assert old in CLAIMS_FIXTURE
    text = CLAIMS_FIXTURE.replace(old, new, 1)
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(main, ["validate", str(path)])
    assert result.exit_code == 1, result.output
    line = text[: text.rindex(anchor)].count("\n") + 1
    found = [l for l in result.output.splitlines() if message in l]
    assert found, result.output
    assert found[0].startswith(f"{path}:{line}:"), found[0]


def test_claims_in_a_second_file_are_located_in_that_file(runner, tmp_path, claims_file):
    extra = tmp_path / "more.yaml"
    extra.write_text("countries: {}\ntypes: {}\nclaims:\n  - id: more\n    article: red\n    claim: X.\n"
                     "    verdict: supported\n    events: [nope]\n", encoding="utf-8")  # fmt: skip
    result = runner.invoke(main, ["validate", str(claims_file), str(extra)])
    assert result.exit_code == 1
    assert f"{extra}:8:14: claims[0].events[0]: unknown event 'nope'" in result.output


def test_the_bundled_claims_cover_both_articles(loaded):
    dataset = store.load([EVENTS]).dataset
    per_article = {key: [c for c in dataset.claims if c.article == key] for key in dataset.articles}
    assert all(8 <= len(found) <= 20 for found in per_article.values()), {k: len(v) for k, v in per_article.items()}
    far_side = next(c for c in dataset.claims if "far side" in c.claim and c.article == "mao-space-race")
    assert str(far_side.claimed_date) == "2021" and far_side.verdict != "supported"
    assert "3 January 2019" in far_side.note and far_side.events == ["change-4-landing"]
    bezos = next(c for c in dataset.claims if "Bezos" in c.claim)
    assert bezos.verdict != "supported" and "suborbital" in bezos.note


# --- rows, the chart and the table ----------------------------------------------------------------


def test_rows_follow_the_article_and_verdict_filters_in_article_order(loaded):
    df, ds = frame.to_frame(loaded.dataset), loaded.dataset
    assert [r.claim.id for r in claims.rows(df, Filters(), ds)] == ["red-sputnik", "red-china-1975", "blue-vanguard",
                                                                     "blue-secret"]  # fmt: skip
    assert [r.claim.id for r in claims.rows(df, Filters(articles=("blue",)), ds)] == ["blue-vanguard", "blue-secret"]
    assert [r.claim.id for r in claims.rows(df, Filters(verdicts=("contradicted",)), ds)] == ["red-china-1975"]
    china = claims.rows(df, Filters(verdicts=("contradicted",)), ds)[0]
    assert china.record_label == "24 Apr 1970" and china.events == (("dongfanghong-1", "Dong Fang Hong 1", "24 Apr 1970"),)
    assert claims.wrong_events(ds) == {"dongfanghong-1", "vanguard-tv3"}
    assert [c.id for c in claims.about(ds, "sputnik-1")] == ["red-sputnik", "blue-vanguard"]


def test_the_dumbbell_joins_claimed_and_record_dates_one_row_per_dated_claim(loaded):
    df, ds = frame.to_frame(loaded.dataset), loaded.dataset
    fig = go.Figure(claims.figure(df, Filters(view="claims"), ds, Look(THEMES["light"], 1200)))
    bells = [t for t in fig.data if t.mode == "lines+markers"]
    assert [t.customdata for t in bells] == [("red-sputnik", "red-sputnik"), ("red-china-1975", "red-china-1975")]
    assert bells[1].x == ("1975-01-01", "1970-04-24") and bells[1].line.color == claims.VERDICT["contradicted"].color
    legend = [t.name for t in fig.data if t.showlegend is not False]
    assert "✗ Contradicted" in legend and "✓ Supported" in legend
    assert list(fig.layout.yaxis.ticktext) == ["✓ The Soviet Union launched the first satellite…",
                                               "✗ China launched its first satellite in 1975."]  # fmt: skip
    undated = go.Figure(claims.figure(df, Filters(view="claims", articles=("blue",)), ds, Look(THEMES["light"])))
    assert not undated.data and undated.layout.annotations  # no dated claim: the empty chart says so


def test_the_fact_check_table_as_markdown_text_and_safe_csv(loaded):
    df, ds = frame.to_frame(loaded.dataset), loaded.dataset
    md = claims.render(df, Filters(), ds, "md")
    assert "## [The Red Article](<https://example.org/red>) (A. Writer, 2024-05)" in md
    assert "| 2 | China launched its first satellite in 1975. | ✗ Contradicted | Dong Fang Hong 1 was launched on 24 April 1970. |" in md
    text = claims.render(df, Filters(articles=("blue",)), ds, "text")
    assert text.startswith("The Blue Article\n================\n◐ PARTLY RIGHT: Vanguard TV3 reached orbit.")
    rows = list(csv.DictReader(io.StringIO(claims.render(df, Filters(), ds, "csv"))))
    assert [r["verdict"] for r in rows] == ["Supported", "Contradicted", "Partly right", "Unverifiable"]
    assert rows[1]["record"] == "24 Apr 1970" and rows[1]["quote"] == "in 1975, China"


def test_the_markdown_table_prints_markup_as_text(tmp_path):
    path = tmp_path / "events.yaml"
    path.write_text(CLAIMS_FIXTURE.replace("claim: Vanguard TV3 reached orbit.", "claim: 'It <script>x</script> [a](javascript:y) | *b*'")
                    .replace("{title: The Blue Article}", "{title: 'Blue [x](javascript:z)', url: 'https://e.org/a)b'}"),
                    encoding="utf-8")  # fmt: skip
    loaded = store.load([path])
    md = claims.render(frame.to_frame(loaded.dataset), Filters(), loaded.dataset, "md")
    assert "It &lt;script&gt;x&lt;/script&gt; \\[a\\](javascript:y) \\| \\*b\\*" in md
    assert "## [Blue \\[x\\](javascript:z)](<https://e.org/a%29b>)" in md
    assert "<script>" not in md


def test_a_formula_in_a_claim_is_never_run_by_a_spreadsheet(tmp_path):
    path = tmp_path / "events.yaml"
    path.write_text(CLAIMS_FIXTURE.replace("claim: Vanguard TV3 reached orbit.", "claim: '=HYPERLINK(\"x\")'"))
    loaded = store.load([path])
    out = claims.render(frame.to_frame(loaded.dataset), Filters(), loaded.dataset, "csv")
    assert "'=HYPERLINK" in out and ',=HYPERLINK' not in out


# --- the command and the export -------------------------------------------------------------------


def test_timeline_claims_prints_the_table_and_refuses_an_unknown_article(runner, claims_file):
    result = runner.invoke(main, ["claims", str(claims_file), "--article", "red", "--format", "md"])
    assert result.exit_code == 0, result.output
    assert "The Red Article" in result.output and "Blue" not in result.output
    result = runner.invoke(main, ["claims", str(claims_file), "--verdict", "contradicted"])
    assert result.exit_code == 0 and result.output.count("CONTRADICTED") == 1
    result = runner.invoke(main, ["claims", str(claims_file), "--article", "green"])
    assert result.exit_code == 2 and "unknown article 'green'" in result.output


def test_export_view_claims_writes_the_chart_page_and_the_claims_csv(runner, claims_file, tmp_path):
    result = runner.invoke(main, ["export", str(claims_file), "--view", "claims", "--article", "red",
                                  "-o", str(tmp_path / "c.html"), "-o", str(tmp_path / "c.csv")])  # fmt: skip
    assert result.exit_code == 0, result.output
    page = (tmp_path / "c.html").read_text(encoding="utf-8")
    assert "red-china-1975" in page and "blue-vanguard" not in page
    rows = list(csv.DictReader((tmp_path / "c.csv").open(encoding="utf-8", newline="")))
    assert [r["claim"] for r in rows] == ["The Soviet Union launched the first satellite in 1957.",
                                          "China launched its first satellite in 1975."]  # fmt: skip


@pytest.mark.export
def test_export_view_claims_draws_a_real_png(runner, claims_file, tmp_path, chromium):
    from PIL import Image

    out = tmp_path / "claims.png"
    result = runner.invoke(main, ["export", str(claims_file), "--view", "claims", "-o", str(out), "--scale", "1"])
    assert result.exit_code == 0, result.output
    with Image.open(out) as image:
        assert image.format == "PNG" and image.width == 1200
        colors = {c for _, c in image.convert("RGB").getcolors(1_000_000)}
    assert (0xD5, 0x5E, 0x00) in colors  # the contradicted dumbbell's vermillion
