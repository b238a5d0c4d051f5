"""Health, readiness and the OpenAPI document."""
EXPECTED_PATHS = {
    "/cycles": {"get", "post"}, "/cycles/{cycle_id}": {"get", "patch"}, "/cycles/{cycle_id}/open": {"post"},
    "/cycles/{cycle_id}/close": {"post"}, "/cycles/{cycle_id}/completion": {"get"},
    "/cycles/{cycle_id}/completion.csv": {"get"}, "/appraisals": {"get"}, "/appraisals/{appraisal_id}": {"get"},
    "/appraisals/{appraisal_id}/appraiser": {"put"}, "/appraisals/{appraisal_id}/objectives": {"post"},
    "/appraisals/{appraisal_id}/objectives/{objective_id}": {"patch", "delete"},
    "/appraisals/{appraisal_id}/objectives/{objective_id}/progress": {"post"},
    "/appraisals/{appraisal_id}/objectives/agreement": {"post"},
    "/appraisals/{appraisal_id}/reviews/{stage}": {"post"},
    "/appraisals/{appraisal_id}/reviews/{stage}/comments": {"put"}, "/appraisals/{appraisal_id}/sign-off": {"post"},
    "/appraisals/{appraisal_id}/observations": {"post"},
    "/appraisals/{appraisal_id}/observers": {"get"}, "/appraisals/{appraisal_id}/meetings": {"post"},
    "/appraisals/{appraisal_id}/meetings.ics": {"get"}, "/appraisals/{appraisal_id}/support-plan": {"put"},
    "/appraisals/{appraisal_id}/withdrawal": {"post"}, "/appraisals/{appraisal_id}/reminders": {"post"},
    "/cycles/{cycle_id}/reminders": {"get"}, "/appraisals/{appraisal_id}/record": {"get"},
    "/reports/untrained-appraisers": {"get"}, "/audit": {"get"},
}
EXPECTED_PATHS.update({  # issue 24: objectives that cascade
    "/priorities": {"get", "post"}, "/priorities/roll-up": {"get"}, "/priorities/{priority_id}": {"get", "patch", "delete"},
    "/priorities/{priority_id}/archive": {"post"}, "/objective-templates": {"get", "post"},
    "/objective-templates/{template_id}": {"patch", "delete"}, "/objective-templates/apply": {"post"},
})
EXPECTED_PATHS.update({  # recognition and feedback (issue 24)
    "/recognition": {"post"}, "/recognition/received": {"get"}, "/recognition/given": {"get"},
    "/recognition/team": {"get"}, "/recognition/colleagues": {"get"}, "/recognition/{recognition_id}": {"get"},
    "/recognition/{recognition_id}/withdrawal": {"post"}, "/recognition/{recognition_id}/evidence": {"put"},
    "/recognition/{recognition_id}/hidden": {"put"}, "/recognition/{recognition_id}/removal": {"post"},
    "/appraisals/{appraisal_id}/recognition": {"get"},
    "/recognition/reported": {"get"}, "/recognition/{recognition_id}/report": {"post"},
    "/recognition/{recognition_id}/report/dismissal": {"post"},
    "/appraisals/{appraisal_id}/cpd-evidence": {"get"},  # CPD impact (issue 24)
})
EXPECTED_PATHS.update({  # observation and coaching (issue 24)
    "/observation-templates": {"get", "post"}, "/observation-templates/{observation_template_id}": {"get", "patch"},
    "/appraisals/{appraisal_id}/action-steps": {"post"},
    "/appraisals/{appraisal_id}/action-steps/{step_id}/follow-up": {"post"},
})
EXPECTED_PATHS.update({  # the QA map (issue 24)
    "/qa-rounds": {"get", "post"}, "/qa-rounds/series": {"post"}, "/qa-rounds/{qa_round_id}": {"get"},
    "/qa-rounds/latest-map": {"get"},
    "/qa-rounds/{qa_round_id}/map": {"get"}, "/qa-rounds/{qa_round_id}/pairs": {"get"},
    "/qa-rounds/{qa_round_id}/actions": {"get", "post"}, "/qa-actions/{qa_action_id}": {"get", "patch"},
    "/qa-coaching-links": {"get"}, "/qa-coaching-requests": {"get", "post"},
})
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def test_healthz_needs_no_token(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok", "service": "appraisal"}


def test_readyz_checks_database_and_bus(client):
    assert client.get("/readyz").json == {"status": "ready", "checks": {"database": "ok", "bus": "ok"}}


def test_openapi_document_lists_every_path(client):
    spec = client.get("/openapi.json").json
    assert spec["openapi"] == "3.1.0" and spec["info"]["title"] == "Staffroom appraisal"
    assert {path: set(ops) & HTTP_METHODS for path, ops in spec["paths"].items()} == EXPECTED_PATHS


def test_openapi_documents_409_for_steps_the_state_machine_can_refuse(client):
    paths = client.get("/openapi.json").json["paths"]
    for path, method in [("/appraisals/{appraisal_id}/sign-off", "post"), ("/cycles/{cycle_id}/open", "post"),
                         ("/appraisals/{appraisal_id}/reviews/{stage}", "post")]:
        assert "application/problem+json" in paths[path][method]["responses"]["409"]["content"]


def test_review_ratings_are_documented_as_the_four_values(client):
    schemas = client.get("/openapi.json").json["components"]["schemas"]
    assert schemas["Assessment"]["properties"]["rating"]["enum"] == ["not_met", "partially_met", "met", "exceeded"]
