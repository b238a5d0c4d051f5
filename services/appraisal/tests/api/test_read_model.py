"""GET /appraisals/<id> is served from the stored document: the same bytes as rendering the appraisal afresh,
for every reader, with the names as the staff copy has them now."""
import uuid

from sqlalchemy import event, update

from appraisal.adapters.orm import staff
from appraisal.api import presenters
from appraisal.api.schemas import AppraisalSchema
from appraisal.domain.model import key_dates
from appraisal.service.unit_of_work import Reads


def _rendered_afresh(app, appraisal_id: str, *, confidential: bool) -> bytes:
    """What the endpoint returned before the read model: the ORM load, the names, the schema, Flask's JSON."""
    with app.app_context(), app.extensions["staffroom"].sessions() as session:
        repo = Reads(session)
        appraisal = repo.appraisals.get(uuid.UUID(appraisal_id))
        view = presenters.detail(appraisal, repo.staff.names([appraisal.reviewee_id, appraisal.appraiser_id]),
                                 confidential=confidential)
        view["key_dates"] = key_dates(repo.cycles.get(appraisal.cycle_id),
                                      repo.staff.person(appraisal.reviewee_id).start_date)
        return app.json.response(AppraisalSchema().dump(view)).get_data()


def test_every_reader_gets_the_bytes_a_fresh_render_gives(app, client, trust, steps):
    a = steps.mid_year_reviewed()
    url = f"/appraisals/{a['id']}"
    steps.ok(client.post(f"{url}/meetings", headers=trust.hod.headers, json={
        "kind": "end_of_year_review", "starts_at": "2027-07-01T15:30:00+01:00", "location": "Maths office"}), 201)
    steps.ok(client.put(f"{url}/support-plan", headers=trust.hod.headers,
                        json={"support_plan": True, "notes": "Weekly coaching"}))
    steps.ok(client.put(f"{url}/reviews/mid-year/comments", headers=trust.teacher.headers,
                        json={"comments": "Fair — and “helpful”"}))

    for reader, confidential in ((trust.teacher, False), (trust.hod, True), (trust.oak_hr, True),
                                 (trust.trust_hr, True)):
        response = client.get(url, headers=reader.headers)
        assert response.status_code == 200 and response.mimetype == "application/json"
        assert response.get_data() == _rendered_afresh(app, a["id"], confidential=confidential), reader.name
    assert "support_plan" not in client.get(url, headers=trust.teacher.headers).json


def test_a_renamed_member_of_staff_is_shown_by_their_new_name(client, db, trust, steps):
    a = steps.started()
    stored = db.rows("appraisal_documents", appraisal_id=uuid.UUID(a["id"]))
    with db.context.engine.begin() as conn:  # as staff.updated leaves the copy
        conn.execute(update(staff).where(staff.c.staff_id == uuid.UUID(trust.hod.id)).values(last_name="Davies-Khan"))

    view = steps.get(a["id"], trust.teacher)

    assert (view["reviewee_name"], view["appraiser_name"]) == ("Tom Taylor", "Dev Davies-Khan")
    assert db.rows("appraisal_documents", appraisal_id=uuid.UUID(a["id"])) == stored  # no document rewritten


def test_an_appraisal_is_read_in_one_statement(app, client, trust, steps):
    a = steps.started()
    statements = []

    def record(_conn, _cursor, statement, *_):
        if statement.split()[0].upper() != "BEGIN":  # SQLite's transaction start, issued by the engine
            statements.append(statement)

    engine = app.extensions["staffroom"].engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        steps.get(a["id"], trust.hod)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    [statement] = statements
    assert "FROM appraisal_documents" in statement
