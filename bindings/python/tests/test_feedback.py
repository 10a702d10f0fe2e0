"""Rating → review → bonus: `chek.engage.feedback.Survey`, `chek.engage.feedback.FeedbackState`, `chek.engage.feedback.Experiment`,
`chek.engage.feedback.ab_bucket`, `chek.engage.feedback.ab_report`, `chek.engage.feedback.wilson` (and the chek-ab-v1 vectors)."""

from __future__ import annotations

import datetime
import json

import pytest

import chek
from helpers import REPO

KEY = b"python-test-secret-key-0123456789"
SURVEY = chek.engage.feedback.Survey.from_toml((REPO / "examples/engage/survey.toml").read_text())
GATED = chek.engage.feedback.Survey.from_toml((REPO / "examples/engage/survey-gated.toml").read_text())


def at(hour: int, day: int = 23) -> datetime.datetime:
    return datetime.datetime(2026, 11, day, hour, 0)


def test_survey_fields_and_rating() -> None:
    assert (SURVEY.id, SURVEY.threshold, SURVEY.mode) == ("after-visit", 8, "compliant")
    assert SURVEY.criteria == ["Вкус", "Обслуживание", "Чистота"]
    assert SURVEY.rate([10, 8, 6]) == {"scores": [10, 8, 6], "average": 8.0, "satisfied": True}
    assert SURVEY.rate([8, 8, 7])["satisfied"] is False
    assert SURVEY.policy_risks() == []
    with pytest.raises(chek.FeedbackError) as e:
        SURVEY.rate([11, 1, 1])
    assert e.value.code == "feedback.bad_scores"


def test_compliant_round() -> None:
    st, out = chek.engage.feedback.FeedbackState().answer(SURVEY, KEY, client="boris", response="r1", scores=[4, 5, 6], now=at(10))
    assert out["rating"]["average"] == 5.0 and out["follow_up"] is True
    assert out["bonus"]["points"] == 100 and out["bonus"]["reason"] == "survey_answer"
    inv = out["invitation"]
    assert inv["link"].startswith("https://r.example.ru/r/") and inv["variant"] in ("short", "warm")
    assert inv["sms"]["segments"] >= 1 and inv["link"] in inv["message"]
    st, click = st.click(SURVEY, KEY, inv["token"], now=at(11))
    assert click["first"] is True and click["bonus"] is None
    assert click["clicked_at"] == at(11)
    st, again = st.click(SURVEY, KEY, inv["token"], now=at(12))
    assert again["first"] is False
    st, visit = st.visit("boris", "v2", now=at(10, 24))
    assert visit["points"] == 100
    st, visit = st.visit("boris", "v3", now=at(10, 25))
    assert visit["points"] == 0
    assert chek.engage.feedback.FeedbackState.from_json(st.to_json()) == st
    assert len(st) == 1


def test_gated_mode_warns() -> None:
    risks = GATED.policy_risks()
    assert [r["code"] for r in risks] == ["feedback.review_gating", "feedback.review_incentive"]
    assert "FTC" in risks[0]["hints"]["en"]
    st, low = chek.engage.feedback.FeedbackState().answer(GATED, KEY, client="a", response="r1", scores=[7, 7, 8], now=at(10))
    assert low["invitation"] is None and low["warnings"] == ["review_gating", "review_incentive"]
    st, high = st.answer(GATED, KEY, client="b", response="r2", scores=[9, 9, 9], now=at(10))
    st, click = st.click(GATED, KEY, high["invitation"]["token"], now=at(11))
    assert click["bonus"]["reason"] == "review_click"


def test_bad_tokens_and_keys() -> None:
    st, out = chek.engage.feedback.FeedbackState().answer(SURVEY, KEY, client="c", response="r1", scores=[9, 9, 9], now=at(10))
    token: str = out["invitation"]["token"]
    forged = token[:-1] + ("0" if token[-1] != "0" else "1")
    with pytest.raises(chek.FeedbackError) as e:
        st.click(SURVEY, KEY, forged, now=at(11))
    assert e.value.code == "feedback.bad_token"
    with pytest.raises(chek.FeedbackError) as e:
        chek.engage.feedback.FeedbackState().click(SURVEY, KEY, token, now=at(11))
    assert e.value.code == "feedback.unknown_token"
    with pytest.raises(chek.FeedbackError) as e:
        st.answer(SURVEY, b"short", client="c", response="r2", scores=[9, 9, 9])
    assert e.value.code == "feedback.weak_key"
    with pytest.raises(chek.FeedbackError) as e:
        st.answer(SURVEY, KEY, client="c", response="r1", scores=[1, 1, 1])
    assert e.value.code == "feedback.conflicting_response"


def test_ab_vectors_and_report() -> None:
    vectors = json.loads((REPO / "docs/ab-v1-vectors.json").read_text(encoding="utf-8"))
    for v in vectors["vectors"]:
        for a in v["assignments"]:
            assert chek.engage.feedback.ab_bucket(v["experiment"], a["client"]) == a["bucket"]
    for w in vectors["wilson"]:
        lo, hi = chek.engage.feedback.wilson(w["converted"], w["exposed"])
        assert abs(lo - w["ci_low"]) < 1e-12 and abs(hi - w["ci_high"]) < 1e-12
    exp = chek.engage.feedback.Experiment.of_survey(SURVEY)
    assert exp is not None and exp.variants == ["short", "warm"]
    assert exp.assign("anna") == exp.assign("anna")
    r = chek.engage.feedback.ab_report(exp, [("short", True), ("short", False), ("warm", False)])
    assert r["algorithm"] == "chek-ab-v1"
    assert [(v["variant"], v["exposed"], v["converted"]) for v in r["variants"]] == [("short", 2, 1), ("warm", 1, 0)]
    with pytest.raises(chek.FeedbackError) as e:
        chek.engage.feedback.Experiment.from_json('{"name": "e", "variants": []}')
    assert e.value.code == "feedback.bad_experiment"
    st, _ = chek.engage.feedback.FeedbackState().answer(SURVEY, KEY, client="anna", response="r1", scores=[9, 9, 9], now=at(10))
    report = st.ab_report(exp)
    assert sum(v["exposed"] for v in report["variants"]) == 1


def test_links_with_tracking_and_short_tokens() -> None:
    st, out = chek.engage.feedback.FeedbackState().answer(SURVEY, KEY, client="anna", response="r1", scores=[9, 9, 9], now=at(10))
    inv = out["invitation"]
    assert len(inv["token"]) <= 22 and inv["sms"]["segments"] == 1, inv
    tagged = inv["link"] + "?utm_source=sms&utm_medium=invite#top"
    info = chek.engage.feedback.review_token_info(tagged)
    assert info == {"token": inv["token"], "version": 2, "seq": 1}
    assert chek.engage.feedback.open_review_token(KEY, SURVEY.id, tagged) == 1
    st, click = st.click(SURVEY, KEY, tagged, now=at(11))
    assert click["first"] is True
    with pytest.raises(chek.FeedbackError) as e:
        chek.engage.feedback.review_token_info("https://r.example.ru/r/?utm_source=sms")
    assert e.value.code == "feedback.bad_token"
    # docs/review-token.md vector.
    assert chek.engage.feedback.open_review_token(b"host-secret-of-16+bytes", "after-visit", "IQdDOVhQhx0JG4FVz8c2") == 7


def test_review_url_http_only() -> None:
    chek.engage.feedback.check_review_url("https://r.example.ru/r/")
    for bad in ("javascript:alert(1)//", "data:text/html,x", "https://r.example/#"):
        with pytest.raises(chek.FeedbackError) as e:
            chek.engage.feedback.check_review_url(bad)
        assert e.value.code == "feedback.bad_survey"
        with pytest.raises(chek.FeedbackError):
            chek.engage.feedback.Survey.from_toml(f'id = "s"\ncriteria = ["a"]\nreview_url = "{bad}"\n')


def test_ab_events_strict_and_significance() -> None:
    with pytest.raises(chek.FeedbackError) as e:
        chek.engage.feedback.ab_events("client,converted\nanna,2\nanna;1\nboris,yes/да\nvera,1\n")
    assert e.value.code == "feedback.bad_events"
    assert [x["line"] for x in e.value.details["errors"]] == [2, 3, 4]
    assert e.value.details["total"] == 3
    ev = chek.engage.feedback.ab_events("anna,0\nanna,1\nboris,0\n")
    assert ev == {"clients": [("anna", True), ("boris", False)], "lines": 3, "repeats": 1, "converted": 1}
    exp = chek.engage.feedback.Experiment.of_survey(SURVEY)
    assert exp is not None
    r = chek.engage.feedback.ab_report_events(exp, (REPO / "examples/engage/events.csv").read_text(), mde=0.1)
    assert r["control"] == "short" and r["mde"] == 0.1 and r["sample_size"] > 10
    assert r["variants"][0]["vs_control"] is None
    assert 0.0 <= r["variants"][1]["vs_control"]["p_value"] <= 1.0
    z, p = chek.engage.feedback.two_proportion_z(100, 1000, 130, 1000)
    assert abs(z - 2.1027) < 1e-3 and abs(p - 0.0355) < 1e-3
    assert chek.engage.feedback.prob_beat(10, 100, 20, 100) > 0.95
    assert chek.engage.feedback.ab_sample_size(0.10, 0.05) == 686
    assert chek.engage.feedback.ab_sample_size(0.10, 0.0) is None
    with pytest.raises(chek.FeedbackError):
        chek.engage.feedback.ab_report(exp, [("short", True)], mde=2.0)
