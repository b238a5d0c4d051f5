"""The printable appraisal record (HTML with print styles; the browser's Print → Save as PDF makes the PDF)."""

RECORD = """<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>Appraisal record: {{ a.reviewee_name or a.reviewee_id }} ({{ cycle.name }})</title>
<style>
  body { overflow-wrap: anywhere; font: 11pt/1.45 system-ui, -apple-system, "Segoe UI", Arial, sans-serif; color: #111; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; }
  h1 { font-size: 1.5rem; margin-bottom: .25rem; } h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 2px solid #111; }
  h3 { font-size: 1rem; margin-bottom: .25rem; } dl { display: grid; grid-template-columns: 14rem 1fr; gap: .2rem 1rem; }
  dt { font-weight: 600; } dd { margin: 0; } .written { white-space: pre-line; } table { width: 100%; border-collapse: collapse; margin: .5rem 0; }
  th, td { border: 1px solid #555; padding: .3rem .5rem; text-align: left; vertical-align: top; }
  .confidential { border: 2px solid #111; padding: .5rem 1rem; } .muted { color: #444; }
  @media (max-width: 40rem) { /* 375 px: it overflowed (outsider, issue 20) */
    dl { grid-template-columns: 1fr; } dd { margin-bottom: .4rem; }
    table, tbody, tr, td { display: block; } thead { display: none; } tr { border-bottom: 2px solid #555; }
    td { border: 0; padding: .15rem 0; } td[data-label]::before { content: attr(data-label) ": "; font-weight: 600; } }
  @media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } section { break-inside: avoid; } }
</style>
</head>
<body><main>
<h1>Appraisal record</h1>
<p class="muted">{{ cycle.name }} &middot; printed {{ printed.strftime("%-d %B %Y") }}</p>
<dl>
  <dt>Reviewee</dt><dd>{{ a.reviewee_name or a.reviewee_id }}</dd>
  <dt>Appraiser</dt><dd>{{ a.appraiser_name or a.appraiser_id or "not assigned" }}</dd>
  <dt>Status</dt><dd>{{ a.status.label|capitalize }}</dd>
  <dt>Objectives due</dt><dd>{{ a.key_dates.objectives_due.strftime("%-d %B %Y") }}</dd>
  <dt>Mid-year review due</dt><dd>{{ a.key_dates.mid_year_due.strftime("%-d %B %Y") }}</dd>
  <dt>End-of-year review due</dt><dd>{{ a.key_dates.end_of_year_due.strftime("%-d %B %Y") }}</dd>
  {% if a.signed_off_on %}<dt>Signed off</dt><dd>{{ a.signed_off_on.strftime("%-d %B %Y") }}</dd>{% endif %}
</dl>

<h2>Objectives</h2>
{% for o in a.objectives %}
<section>
  <h3>{{ loop.index }}. {{ o.title }}{% if o.weighting %} ({{ o.weighting }}%){% endif %}</h3>
  <p class="written">{{ o.description }}</p>
  <p class="written"><strong>Success criteria:</strong> {{ o.success_criteria }}</p>
  <p class="muted">Type: {{ o.type.value.replace("_", " ") }}{% if o.standards %} &middot; Teachers' Standards: {% for code in o.standards %}{{ standards.get(code, code) }}{% if not loop.last %}; {% endif %}{% endfor %}{% endif %}{% if o.job_areas %} &middot; Job areas: {{ o.job_areas|join(", ") }}{% endif %}{% if o.priorities %} &middot; Priorities: {{ o.priorities|join(", ") }}{% endif %}</p>
  {% for p in o.progress %}<p class="written">Progress, {{ p.recorded_on.strftime("%-d %B %Y") }}: {{ p.note }}{% if p.evidence %} (evidence: {{ p.evidence }}){% endif %}</p>{% endfor %}
</section>
{% else %}<p>No objectives recorded.</p>{% endfor %}

{% for r in a.reviews|sort(attribute="completed_on") %}
<h2>{{ "Mid-year" if r.stage.value == "mid_year" else "End-of-year" }} review, {{ r.completed_on.strftime("%-d %B %Y") }}</h2>
<table>
  <thead><tr><th scope="col">Objective</th><th scope="col">Assessment</th><th scope="col">Comment</th></tr></thead>
  <tbody>
  {% for o in a.objectives %}{% set x = r.assessments.get(o.id|string, {}) %}
    <tr><td data-label="Objective">{{ o.title }}</td><td data-label="Assessment">{{ (x.rating.value if x.rating is defined and x.rating.value is defined else x.rating or "")|replace("_", " ") }}</td><td data-label="Comment" class="written">{{ x.comment or "" }}</td></tr>
  {% endfor %}
  </tbody>
</table>
<dl>
  <dt>Overall outcome</dt><dd>{{ r.overall_outcome.value.replace("_", " ") }}</dd>
  {% if r.teaching_judgement %}<dt>Teaching quality</dt><dd>{{ r.teaching_judgement.value.replace("_", " ") }}</dd>{% endif %}
  {% if r.pay_recommendation %}<dt>Pay recommendation</dt><dd>{{ r.pay_recommendation.value.replace("_", " ") }}</dd>{% endif %}
  {% if r.summary %}<dt>Summary</dt><dd class="written">{{ r.summary }}</dd>{% endif %}
  <dt>Reviewee's comments</dt><dd class="written">{{ r.reviewee_comments or "none" }}</dd>
  {% if r.appraiser_untrained %}<dt>Note</dt><dd>The appraiser had not completed appraisal training when this review was recorded.</dd>{% endif %}
</dl>
{% if r.development_needs %}<h3>Development needs</h3><ul>{% for n in r.development_needs %}<li><strong>{{ n.area }}</strong>: {{ n.description }}{% if n.suggested_support %} (suggested: {{ n.suggested_support }}){% endif %}</li>{% endfor %}</ul>{% endif %}
{% endfor %}

{% if a.observations %}
<h2>Observations and learning walks</h2>
<table>
  <thead><tr><th scope="col">Date</th><th scope="col">Kind</th><th scope="col">Observer</th><th scope="col">Focus</th><th scope="col">Strengths</th><th scope="col">Next steps</th></tr></thead>
  <tbody>{% for o in a.observations %}<tr><td data-label="Date">{{ o.observed_on.strftime("%-d %B %Y") }}</td><td data-label="Kind">{{ o.kind.label|capitalize }}</td><td data-label="Observer">{{ a.observer_names.get(o.observer_id) or "" }}</td><td data-label="Focus">{{ o.focus }}{% if o.department %} ({{ o.department }}){% endif %}{% if o.notice_given_on %}<br><span class="muted">Teacher told {{ o.notice_given_on.strftime("%-d %B %Y") }}</span>{% endif %}</td><td data-label="Strengths" class="written">{{ o.strengths }}</td><td data-label="Next steps" class="written">{{ o.areas_to_develop }}</td></tr>{% endfor %}</tbody>
</table>
{% for o in a.observations %}{% set t = a.templates.get(o.template_id) if a.templates is defined and o.template_id else none %}{% if t %}
<section aria-label="Grades: {{ o.kind.label }}, {{ o.observed_on.strftime("%-d %B %Y") }}, {{ t.name }}">
  <h3>{{ o.kind.label|capitalize }}, {{ o.observed_on.strftime("%-d %B %Y") }}: {{ t.name }}</h3>
  <table>
    <thead><tr><th scope="col">Criterion</th><th scope="col">Grade</th></tr></thead>
    <tbody>{% for c in t.criteria %}<tr><td data-label="Criterion">{{ c.label }}</td><td data-label="Grade">{% if not c.grades %}Not graded{% elif o.grades.get(c.key) %}{{ o.grades.get(c.key) }}{% else %}No grade given{% endif %}</td></tr>{% endfor %}</tbody>
  </table>
</section>
{% endif %}{% endfor %}
{% endif %}

{% if a.action_steps %}
<h2>Coaching action steps</h2>
<table>
  <thead><tr><th scope="col">Action step</th><th scope="col">Agreed</th><th scope="col">Follow-up</th><th scope="col">Seen at follow-up</th></tr></thead>
  <tbody>{% for s in a.action_steps %}<tr><td data-label="Action step" class="written">{{ s.step }}</td><td data-label="Agreed">{{ s.agreed_on.strftime("%-d %B %Y") }}</td><td data-label="Follow-up">{{ (s.followed_up_on or s.follow_up_on).strftime("%-d %B %Y") }}{% if not s.followed_up_on %} (planned){% endif %}</td><td data-label="Seen at follow-up" class="written">{{ s.seen_at_follow_up or "not followed up yet" }}</td></tr>{% endfor %}</tbody>
</table>
{% endif %}

{% if a.recognition %}
<h2>Recognition and feedback kept as evidence</h2>
{% for g in a.recognition %}<section><h3>{{ g.kind.label }} from {{ g.giver_name or "a former colleague" }}, {{ g.given_at.strftime("%-d %B %Y") }}</h3>
<p class="written">{{ g.words }}</p>{% if g.value or g.standard %}<p class="muted">{% if g.value %}Value: {{ g.value }}{% endif %}{% if g.value and g.standard %} &middot; {% endif %}{% if g.standard %}Teachers' Standard: {{ standards.get(g.standard, g.standard) }}{% endif %}</p>{% endif %}</section>{% endfor %}
{% endif %}

{% if a.cpd_evidence %}
<h2>CPD and its impact</h2>
{% for c in a.cpd_evidence %}
<section>
  <h3>{{ c.programme_title }}, completed {{ c.completed_on.strftime("%-d %B %Y") }}</h3>
  <dl>
    <dt>What they will change</dt><dd class="written">{{ c.intent or "not recorded yet" }}</dd>
    {% if c.satisfaction_words %}<dt>Satisfaction</dt><dd>{{ c.satisfaction_words }}</dd>{% endif %}
    <dt>Impact seen by the line manager</dt><dd class="written">{% if c.impact_words %}{{ c.impact_words }}{% if c.impact_seen %}: {{ c.impact_seen }}{% endif %}{% else %}not recorded yet{% endif %}</dd>
    {% if c.linked_to_development_need %}<dt>Development need</dt><dd>Taken for a development need from an appraisal</dd>{% endif %}
  </dl>
</section>
{% endfor %}
{% endif %}

{% if a.support_plan is defined and a.support_plan %}
<h2>Support plan (confidential)</h2>
<div class="confidential"><p>{{ a.support_plan_notes or "" }}</p></div>
{% endif %}

{% if a.sign_off_comment %}<h2>Reviewee's sign-off comment</h2><p class="written">{{ a.sign_off_comment }}</p>{% endif %}
</main></body>
</html>
"""
