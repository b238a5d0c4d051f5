"""The printable induction record for the appropriate body (HTML with print styles; Print → Save as PDF)."""

RECORD = """<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>Induction record: {{ r.staff_name or "ECT" }}</title>
<style>
  body { overflow-wrap: anywhere; font: 11pt/1.45 system-ui, -apple-system, "Segoe UI", Arial, sans-serif; color: #111; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; }
  h1 { font-size: 1.5rem; margin-bottom: .25rem; } h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 2px solid #111; }
  dl { display: grid; grid-template-columns: 14rem 1fr; gap: .2rem 1rem; } dt { font-weight: 600; } dd { margin: 0; }
  .written { white-space: pre-line; } .muted { color: #444; }
  @media (max-width: 40rem) { dl { grid-template-columns: 1fr; } dd { margin-bottom: .4rem; } }
  @media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } section { break-inside: avoid; } }
</style>
</head>
<body><main>
{% macro day(d) %}{{ d.strftime("%-d %B %Y") if d else "not yet" }}{% endmacro %}
<h1>Induction record</h1>
<p class="muted">Printed {{ printed.strftime("%-d %B %Y") }}</p>
<dl>
  <dt>Early career teacher</dt><dd>{{ r.staff_name or "not known" }}</dd>
  <dt>Teacher reference number</dt><dd>{{ r.trn or "not given" }}</dd>
  <dt>Date of birth</dt><dd>{{ day(r.date_of_birth) if r.date_of_birth else "not given" }}</dd>
  <dt>Qualified teacher status</dt><dd>{{ day(r.qts_on) }}</dd>
  <dt>Induction started</dt><dd>{{ day(r.starts_on) }}</dd>
  <dt>Appropriate body</dt><dd>{{ r.appropriate_body }}</dd>
  <dt>Programme</dt><dd>{{ r.programme_type|capitalize }}{% if r.lead_provider %}, {{ r.lead_provider }}{% endif %}{% if r.delivery_partner %} with {{ r.delivery_partner }}{% endif %}</dd>
  <dt>Induction tutor</dt><dd>{{ r.tutor_name or "not assigned" }}</dd>
  <dt>Mentor</dt><dd>{{ r.mentor_name or "not assigned" }}</dd>
  {% if r.completes %}<dt>Expected to complete</dt><dd>{{ day(r.completes) }}</dd>{% endif %}
  {% if r.final_assessment %}<dt>Final formal assessment</dt><dd>due {{ day(r.final_assessment.due_on) }}; {% if r.final_assessment.report_by %}report due at the appropriate body {{ day(r.final_assessment.report_by) }}{% else %}report due at the appropriate body within 10 working days of the meeting{% endif %}</dd>{% endif %}
  <dt>Status</dt><dd>{{ r.status|capitalize }}</dd>
</dl>
{% for v in r.reviews %}
<section>
  <h2>{{ v.kind_words|capitalize }}, held {{ day(v.held_on) }}</h2>
  <dl>
    <dt>Due</dt><dd>{{ day(v.due_on) }}</dd>
    <dt>Outcome</dt><dd>{{ v.outcome|capitalize }}</dd>
    {% if v.report_by %}<dt>Report due at the appropriate body</dt><dd>{{ day(v.report_by) }}</dd>{% endif %}
  </dl>
  {% for s in v.standards %}<p class="written"><strong>{{ s.standard }} {{ s.name }}:</strong> {{ s.notes }}</p>{% endfor %}
  {% if v.next_steps %}<p class="written"><strong>Next steps:</strong> {{ v.next_steps }}</p>{% endif %}
  <p class="written"><strong>ECT's comments:</strong> {{ v.ect_comments or "none" }}</p>
  <dl>
    <dt>Signed by the induction tutor</dt><dd>{{ day(v.tutor_signed_on) }}</dd>
    <dt>Signed by the headteacher</dt><dd>{{ day(v.head_signed_on) }}</dd>
    <dt>Signed by the ECT</dt><dd>{{ day(v.ect_signed_on) }}</dd>
  </dl>
</section>
{% else %}
<p>No progress review or formal assessment is recorded yet.</p>
{% endfor %}
</main></body>
</html>
"""
