"""The empty choice of every list on the portal's pages says what choosing nothing means, in words ("No priority",
"Not from an observation"), never a bare "None" (outsider, issue 24, finding 8)."""
from __future__ import annotations

import re
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, nodes

import staffroom_portal

TEMPLATES = Path(staffroom_portal.__file__).parent / "templates"
ENV = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True)
RAW_EMPTY_OPTION = re.compile(r'<option value="">(.*?)</option>', re.S)
BARE = {"none", "-", "--", "—", ""}


def _empty_choices(source: str) -> list[str]:
    """The words each list in a template offers for choosing nothing: every word the `select` macro's `blank` may
    take (each branch of a conditional), and each empty <option> written out by hand."""
    found = []
    for call in ENV.parse(source).find_all(nodes.Call):
        if isinstance(call.node, nodes.Name) and call.node.name == "select":
            for kwarg in call.kwargs:
                if kwarg.key == "blank":
                    consts = [kwarg.value, *kwarg.value.find_all(nodes.Const)]
                    found += [c.value for c in consts if isinstance(c, nodes.Const) and isinstance(c.value, str)]
    return found + [text.strip() for text in RAW_EMPTY_OPTION.findall(source) if "{" not in text]


def _every_template():
    return sorted(TEMPLATES.rglob("*.html"))


def test_no_list_on_any_page_offers_a_bare_none_as_its_empty_choice():
    bare = {f"{path.relative_to(TEMPLATES)}: {text!r}" for path in _every_template()
            for text in _empty_choices(path.read_text()) if text.strip().lower() in BARE}
    assert not bare, "\n".join(sorted(bare))


def test_the_check_sees_both_ways_of_writing_an_empty_choice():
    """The scan above is only worth its silence if it finds them: in the macro's `blank` and in hand-written lists."""
    assert _empty_choices('{{ select(f, "p", "Which priority it serves", ps, blank="None") }}') == ["None"]
    assert _empty_choices('{{ select(f, "j", "J", js, blank="Choose one" if needed else "None") }}') == [
        "Choose one", "None"]
    assert _empty_choices('<select name="o">\n  <option value="">None</option>\n</select>') == ["None"]
    assert sum(len(_empty_choices(path.read_text())) for path in _every_template()) > 30


def test_the_named_lists_read_their_own_plain_empty_choice():
    """The three lists the tester named, each with words for its own field."""
    def choices(name: str) -> list[str]:
        return _empty_choices((TEMPLATES / name).read_text())

    assert "No priority" in choices("appraisal/_parts.html")  # "Which priority it serves" on the appraisal page
    assert "Not from an observation" in choices("observations/_on_appraisal.html")  # the action-step form
    assert "No priority" in choices("objective_templates/manage.html")  # /objective-templates


def test_the_action_step_list_renders_its_empty_choice_first_and_keeps_the_observation_chosen():
    """The action-step form's list is now the shared `select` macro's, so a refusal keeps what was chosen."""
    from staffroom_portal.ui import Form

    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True)
    env.filters.update(words=str, plain=str, sentence=str)  # the portal's own, which the list does not use
    macro = env.get_template("_forms.html").module.select
    form = Form({"observation_id": "b"})
    html = str(macro(form, "observation_id", "From the observation", [("a", "Lesson, 1 May"), ("b", "Walk, 2 May")],
                     blank="Not from an observation"))
    options = re.findall(r"<option[^>]*>([^<]*)</option>", html)
    assert options == ["Not from an observation", "Lesson, 1 May", "Walk, 2 May"]
    assert '<option value="b" selected>' in html and "(optional)" in html
