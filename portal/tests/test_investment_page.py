"""The investment target's page helpers: changes in points in words, and the charts' rows in the API's order."""
from __future__ import annotations

from staffroom_portal.views.targets import investment_charts, points


def test_a_change_in_points_is_signed_with_a_true_minus_and_none_is_no_change():
    assert [points(v) for v in (6.0, -2.5, 0.0, 1.0)] == ["+6 points", "\u22122.5 points", "no change", "+1 point"]


def test_each_academy_is_drawn_with_its_spend_hours_and_both_surveys_and_useful_only_where_compared():
    change = {"before": 60.0, "after": 66.0, "points": 6.0, "answered_before": 20, "answered": 22}
    investment = {"points": [
        {"academy_name": "Oak Academy", "staff": 40, "spend_per_head": 250.0, "hours_per_head": 5.5,
         "satisfaction": change, "useful": None},
        {"academy_name": None, "staff": 12, "spend_per_head": 0.0, "hours_per_head": 0.0,
         "satisfaction": {**change, "after": 58.0, "points": -2.0}, "useful": change}],
        "staff_types": [{"staff_type": "support", "staff": 30, "spend_per_head": 20.5, "hours_per_head": 1.0}]}
    charts = investment_charts(investment)
    assert [(r["label"], r["text"]) for r in charts["spend"]] == [
        ("Oak Academy", "£250 and 5.5 hours a head (40 staff)"), ("An academy", "£0 and 0 hours a head (12 staff)")]
    assert charts["top"] == 250.0
    assert [(r["label"], r["text"]) for r in charts["staff_types"]] == [
        ("Support staff", "£20.50 and 1 hour a head (30 staff)")]
    assert [(r["value"], r["benchmark"], r["text"], r["benchmark_text"]) for r in charts["satisfaction"]] == [
        (66.0, 60.0, "66% (+6 points; 22 answered)", "60% (20 answered)"),
        (58.0, 60.0, "58% (\u22122 points; 22 answered)", "60% (20 answered)")]
    assert [r["label"] for r in charts["useful"]] == ["An academy"]


def test_each_academy_left_out_is_named_with_why():
    """Outsider, issue 23: Riverside was left out and nothing said so."""
    charts = investment_charts({"points": [], "left_out": [
        {"academy_name": "Riverside Academy", "reason": "hidden"}, {"academy_name": None, "reason": "changed"}]})
    assert [(r["label"], r["why"].split(",")[0]) for r in charts["left_out"]] == [
        ("Riverside Academy", "its job satisfaction was hidden in one of the two surveys"),
        ("An academy", "fewer than the smallest group the survey shows came")]
