"""Scoring one respondent's answers: each rated item, each measure whose items were all answered, and the comments.

Rules (see docs/wellbeing-instruments.md):
- an item's score is the answer, reversed within its scale (min + max - answer) when the item is reverse-keyed;
- "mean": the mean of the scored items (HSE domains), only when every item was answered;
- the items of a measure that was not answered in full are not counted either (they would single out those who
  answered part of it);
- "swemwbs_metric": the sum of the 7 answers (7-35) converted with the SWEMWBS table, only when all 7 were answered;
- "item": the one item's score (ONS questions, trust and custom questions);
- "enps": one 0-10 answer as +100 (9-10, promoter), 0 (7-8, passive) or -100 (0-6, detractor), so that the mean
  over respondents is the eNPS (% promoters - % detractors).
"""
from __future__ import annotations

from dataclasses import dataclass

from .instruments import SCALES, SWEMWBS_METRIC, Measure, Questionnaire


@dataclass(frozen=True)
class ScoredItem:
    key: str
    value: int              # the answer as given
    score: int              # the answer as scored (reversed when the item is reverse-keyed)
    favourable: bool | None


@dataclass(frozen=True)
class ScoredMeasure:
    key: str
    value: float
    favourable: bool | None


@dataclass(frozen=True)
class Scored:
    items: tuple[ScoredItem, ...]
    measures: tuple[ScoredMeasure, ...]
    comments: tuple[tuple[str, str], ...]


def enps_value(answer: int) -> float:
    if answer >= 9:
        return 100.0
    if answer >= 7:
        return 0.0
    return -100.0


def _measure_value(measure: Measure, scores: dict[str, int]) -> float:
    values = [scores[key] for key in measure.items]
    if measure.method == "mean":
        return sum(values) / len(values)
    if measure.method == "swemwbs_metric":
        return SWEMWBS_METRIC[sum(values)]
    if measure.method == "item":
        return float(values[0])
    if measure.method == "enps":
        return enps_value(values[0])
    raise ValueError(f"unknown method {measure.method!r}")  # unreachable: instruments are checked when built


def score(questionnaire: Questionnaire, answers: dict) -> Scored:
    """Score one respondent. Raises ValueError when ``questionnaire.errors(answers)`` finds any."""
    errors = questionnaire.errors(answers)
    if errors:
        raise ValueError(f"invalid answers: {errors}")
    items: list[ScoredItem] = []
    comments: list[tuple[str, str]] = []
    scores: dict[str, int] = {}
    for key, item in questionnaire.items.items():
        if key not in answers:
            continue
        if SCALES[item.scale].is_text:
            comments.append((key, answers[key].strip()))
            continue
        value = answers[key]
        scores[key] = item.scored(value)
        items.append(ScoredItem(key=key, value=value, score=scores[key], favourable=item.is_favourable(scores[key])))
    measures, partial = [], set()
    for key, measure in questionnaire.measures.items():
        if all(item_key in scores for item_key in measure.items):
            value = _measure_value(measure, scores)
            measures.append(ScoredMeasure(key=key, value=value, favourable=measure.is_favourable(value)))
        else:
            partial.update(measure.items)
    # A score made of several questions counts only people who answered all of them, and so do its questions:
    # otherwise its questions' figures less its own would be the answers of those who answered part of it (issue
    # 19's sixth outsider read one person's answer so, from one report).
    items = [item for item in items if item.key not in partial]
    return Scored(items=tuple(items), measures=tuple(measures), comments=tuple(comments))
