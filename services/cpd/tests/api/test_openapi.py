"""The OpenAPI document describes money as the API sends and accepts it."""
import re


def test_money_is_documented_as_a_decimal_string_with_numeric_bounds(client):
    # Found by the API fuzzing (tests/security): money was documented as a number with bounds as strings
    # ("maximum": "1000000.00", an invalid document) while the API sends strings ("300.00").
    schemas = client.get("/openapi.json").json["components"]["schemas"]
    cost = schemas["Programme"]["properties"]["cost"]
    assert cost["type"] == ["string", "number"]
    assert (cost["minimum"], cost["maximum"]) == (0, 1_000_000)
    assert schemas["Spend"]["properties"]["total_spent"]["type"] == ["string", "number"]


def test_money_in_a_response_matches_its_documented_pattern(client, trust):
    spec = client.get("/openapi.json").json
    pattern = spec["components"]["schemas"]["Spend"]["properties"]["total_spent"]["pattern"]
    report = client.get("/reports/spend?year_starting=2026", headers=trust.trust_hr.headers)
    assert report.status_code == 200
    assert re.fullmatch(pattern, report.json["total_spent"]) and isinstance(report.json["total_spent"], str)
