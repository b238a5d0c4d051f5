// Answering a feedback request with a single-use link: /feedback/respond#token=…, from "Answer now" in Staffroom
// (staff: their invitations carry no link) or from the email of someone outside the trust.
//
// As on the survey page (survey.js): the token arrives in the URL fragment, which browsers never send to a server;
// we take it out of the address bar at once, keep it in this tab only, and send it to the wellbeing API in a header
// without cookies, so no request carries both who is signed in and the answers. Nothing is saved part-way.
(() => {
  "use strict";
  const root = document.getElementById("feedback");
  if (!root) return;
  const api = root.dataset.api;
  const heading = document.getElementById("feedback-title");
  const status = document.getElementById("feedback-status");
  // What the page says depends on how the rater came (outsider, issue 24: a colleague who chose "Answer now" was told
  // of a link in their email, which has none, after sending too and on the no-link page): a colleague from "Answer
  // now" in Staffroom (the portal's redirect says so in the address), or anyone with an emailed link.
  const intro = document.getElementById("feedback-intro");
  const answerNow = root.dataset.answerNow !== undefined;
  const STORE = "staffroom-feedback-token";

  const { linkToken, el, typed } = window.StaffroomLinkPage;  // link_page.js
  const token = linkToken(STORE);

  const day = (iso) => new Date(iso + "T12:00:00").toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric" });
  const sentence = (text) => { const t = String(text).trim(); return t.charAt(0).toUpperCase() + t.slice(1) + (/[.!?]$/.test(t) ? "" : "."); };

  async function call(method, body) {
    const response = await fetch(api, {
      method,
      headers: { "X-Survey-Token": token, Accept: "application/json", ...(body ? { "Content-Type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      credentials: "omit", cache: "no-store", referrerPolicy: "no-referrer",
    });
    if (response.ok) return response.status === 204 ? null : response.json();
    const problem = await response.json().catch(() => ({}));
    throw { status: response.status, detail: problem.detail || problem.title || "Something went wrong", errors: problem.errors || [] };
  }

  // The thank-you, no-link and refusal pages say their own words: the intro is about answering.
  function stop(...children) {
    sessionStorage.removeItem(STORE);
    if (intro) intro.remove();
    root.replaceChildren(el("p", {}, ...children));
    heading.focus();
  }

  function thanks(outside, named) {
    if (outside) return ["Thank you. Your feedback has been sent, without your name or email address. Your link has now been used, so you can close this page."];
    return [`Thank you. Your feedback has been sent, ${named ? "with" : "without"} your name. `,
      el("a", { href: "/feedback", text: "Feedback" }), " in Staffroom now shows that you have answered."];
  }

  function render(form) {
    heading.replaceChildren(typed(form.title));
    document.title = `${form.title} - Staffroom`;
    // Someone outside the trust answers without a name: nothing here could check one (issue 24). Each category is
    // told only what is true for it: a line manager is one person, always named (outsider, issue 24).
    const outside = form.may_be_named === false;
    // A colleague from "Answer now" keeps the server's words; anyone else came with an emailed link (someone outside
    // the trust, or a colleague asked before invitations stopped carrying links).
    if (intro) intro.textContent = answerNow && !outside ? root.dataset.answerNowIntro : root.dataset.emailedIntro;
    const about = outside
      ? el("p", {}, "You were asked as someone outside the trust who works with ", typed(form.subject),
        `. Answer by ${day(form.closes_on)}. Skip anything you cannot judge.`)
      : el("p", {}, form.must_be_named ? "You were asked as their " : "You were asked as one of their ",
        el("strong", { text: form.category_name.toLowerCase() }), `. Answer by ${day(form.closes_on)}. Skip anything you cannot judge.`);
    const hint = form.must_be_named
      ? el("p", { text: "You are their line manager, one person, so your answers are shown with your name." })
      : outside
        ? el("p", { text: `Your answers are shown only once at least ${form.shown_from} of the people outside the trust who were asked have answered, you included, and never with your name or email address.` })
        : el("p", { text: `This page does not send your name. Unless you choose to give it, your answers are shown only once at least ${form.shown_from} people asked as ${form.category_name.toLowerCase()} have answered, you included, and your words without your name.` });
    const fields = el("form", { novalidate: true });
    for (const q of form.questions) {
      if (q.scale === "text") {
        const id = `q-${q.key}`;
        fields.append(el("div", { class: "field" }, el("label", { for: id, text: q.text }),
          el("textarea", { id, name: q.key, rows: "4", maxlength: String(q.max_length) })));
      } else {
        const group = el("fieldset", { class: "field scale" }, el("legend", { text: q.text }));
        q.labels.forEach((label, i) => {
          const id = `q-${q.key}-${i + 1}`;
          group.append(el("label", { for: id }, el("input", { type: "radio", id, name: q.key, value: String(i + 1) }), ` ${label}`));
        });
        fields.append(group);
      }
    }
    const named = el("input", { type: "checkbox", id: "named", name: "named", checked: form.must_be_named, disabled: form.must_be_named });
    if (!outside) fields.append(el("div", { class: "field" }, el("label", { for: "named" }, named, " Show my name with my answers")));
    const send = el("button", { type: "submit", class: "button", text: "Send my feedback" });
    fields.append(el("div", { class: "actions" }, send));
    fields.addEventListener("submit", async (event) => {
      event.preventDefault();
      const answers = {};
      for (const q of form.questions) {
        if (q.scale === "text") {
          const text = fields.elements[q.key].value.trim();
          if (text) answers[q.key] = text;
        } else {
          const chosen = fields.querySelector(`input[name="${CSS.escape(q.key)}"]:checked`);
          if (chosen) answers[q.key] = Number(chosen.value);
        }
      }
      send.disabled = true;
      try {
        await call("POST", { answers, named: named.checked });
        stop(...thanks(outside, named.checked));
        status.textContent = "Sent.";
      } catch (problem) {
        send.disabled = false;
        status.textContent = sentence(problem.errors.length ? problem.errors[0].detail : problem.detail);
      }
    });
    root.replaceChildren(about, hint, fields);
  }

  if (!token) {
    stop(answerNow
      ? "There is no feedback link in this tab: \"Answer now\" gives one to the tab it opens, until you send. If you have not answered yet, open Feedback in Staffroom and choose \"Answer now\" again; if you have, Feedback shows it as answered."
      : "There is no feedback link in this address. If you work in the trust, open Feedback in Staffroom and choose \"Answer now\". If you were emailed a link, open it again.");
    return;
  }
  call("GET").then(render).catch((problem) => stop(sentence(problem.detail)));
})();
