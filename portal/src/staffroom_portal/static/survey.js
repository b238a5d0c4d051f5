// Answering a wellbeing survey with a single-use link: /surveys/respond#token=…
//
// The token is the only thing that opens the survey, and the promise is that no server but the wellbeing API ever
// sees it. It arrives in the URL fragment (browsers never send that to a server); we take it out of the address bar
// at once (so it is not bookmarked, shared or shown over a shoulder), keep it in this tab only, and send it to the
// API in a header, without cookies, so no request carries both who you are and your answers.
//
// What you save is sealed on the server under a key made from the token and a second key this browser makes once
// and keeps (localStorage): someone who finds your link (in a mailbox, say) still cannot open what you saved, and
// a draft saved in one browser opens only in that browser.
(() => {
  "use strict";
  const root = document.getElementById("survey");
  if (!root) return;
  const api = root.dataset.api;
  const heading = document.getElementById("survey-title");
  const status = document.getElementById("survey-status");
  const STORE = "staffroom-survey-token"; // this tab only; gone when the tab closes, removed after submitting
  const KEEP = "staffroom-survey-browser-key"; // this browser's own key for what it saves (never the token)

  let kept = true; // whether this browser keeps its key after the tab closes (needed to read replies later)
  const browserKey = (() => {
    const keep = (() => { try { localStorage.setItem(KEEP + "?", "1"); localStorage.removeItem(KEEP + "?"); return localStorage; } catch { kept = false; return sessionStorage; } })();
    let key = keep.getItem(KEEP);
    if (!key) {
      const bytes = crypto.getRandomValues(new Uint8Array(32));
      key = btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
      keep.setItem(KEEP, key);
    }
    return key;
  })();

  const { linkToken, el, typed } = window.StaffroomLinkPage;  // link_page.js
  const token = linkToken(STORE);

  const isolated = (text) => `\u2068${String(text).replace(/[\u2066-\u2069]/g, "")}\u2069`;  // where no element can go

  // `answers` go as {answers}; `raw` is a body already written (the replies exchange's, padded).
  async function call(method, path, answers, raw) {
    const sent = answers ? JSON.stringify({ answers }) : raw;
    const response = await fetch(api + path, {
      method,
      headers: { "X-Survey-Token": token, "X-Draft-Key": browserKey, Accept: "application/json",
        ...(sent ? { "Content-Type": "application/json" } : {}) },
      body: sent,
      credentials: "omit", cache: "no-store", referrerPolicy: "no-referrer",
    });
    if (response.ok) return response.status === 204 ? null : response.json();
    const problem = await response.json().catch(() => ({}));
    throw { status: response.status, detail: problem.detail || problem.title || "Something went wrong",
      errors: problem.errors || [], survey: problem.survey };
  }

  const sentence = (text) => { const t = String(text).trim(); return t.charAt(0).toUpperCase() + t.slice(1) + (/[.!?]$/.test(t) ? "" : "."); };
  const day = (iso) => new Date(iso + "T12:00:00").toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric" });

  // The link cannot be used (wrong, replaced, already used, or the survey closed): say so, and forget it. A new
  // link helps only while the survey is open.
  function stop(message, dead = true, closed = false) {
    if (dead) sessionStorage.removeItem(STORE);
    root.replaceChildren(el("div", { class: "panel" }, el("p", { text: message }), dead && !closed ? el("p", {},
      "If you have lost your link, sign in and get a new one on ", el("a", { href: root.dataset.lostLink, text: "Surveys" }), ".") : null));
  }

  function optionsFor(scale) {
    const values = [];
    for (let v = scale.minimum; v <= scale.maximum; v += 1) values.push(v);
    const every = scale.labels.length === values.length; // otherwise the labels name the two ends only
    return values.map((v, i) => ({
      value: v,
      label: every ? scale.labels[i]
        : i === 0 ? `${v} (${scale.labels[0]})` : i === values.length - 1 ? `${v} (${scale.labels[scale.labels.length - 1]})` : String(v),
    }));
  }

  function question(item, scales, saved) {
    const error = el("p", { class: "field-error", id: `e-${item.key}`, hidden: true });
    if (item.scale === "text") {
      return el("div", { class: "field", "data-item": item.key },
        el("label", { for: `q-${item.key}` }, typed(item.text)),
        el("p", { class: "hint", id: `h-${item.key}`, text: "Optional. Please do not include names: up to 2,000 characters." }), error,
        Object.assign(el("textarea", { id: `q-${item.key}`, name: item.key, rows: 4, maxlength: 2000,
          "aria-describedby": `h-${item.key} e-${item.key}` }), { value: saved[item.key] || "" }));
    }
    const choices = el("div", { class: "choices" });
    for (const option of optionsFor(scales[item.scale])) {
      const id = `q-${item.key}-${option.value}`;
      choices.append(el("label", { for: id },
        el("input", { type: "radio", id, name: item.key, value: option.value, checked: saved[item.key] === option.value }),
        option.label));
    }
    return el("fieldset", { class: "field", "data-item": item.key, "aria-describedby": `e-${item.key}` },
      el("legend", {}, typed(item.text)), error, choices);
  }

  function answersIn(form) {
    const answers = {};
    form.querySelectorAll("[data-item]").forEach((box) => {
      const key = box.dataset.item;
      const text = box.querySelector("textarea");
      if (text) { answers[key] = text.value.trim() || null; return; } // null clears a saved comment
      const chosen = box.querySelector("input:checked");
      if (chosen) answers[key] = Number(chosen.value);
    });
    return answers;
  }

  function showErrors(form, summary, problem) {
    form.querySelectorAll(".field-error").forEach((p) => { p.hidden = true; p.textContent = ""; });
    form.querySelectorAll(".field-invalid").forEach((b) => b.classList.remove("field-invalid"));
    const list = el("ul");
    for (const error of problem.errors) {
      const key = (error.pointer || "").replace(/^#\/answers\/?/, "");
      const box = key && form.querySelector(`[data-item="${CSS.escape(key)}"]`);
      if (!box) continue;
      box.classList.add("field-invalid");
      const p = document.getElementById(`e-${key}`);
      p.hidden = false;
      p.replaceChildren(el("span", { class: "visually-hidden", text: "Error: " }), sentence(error.detail));
      const target = box.querySelector("input, textarea");
      list.append(el("li", {}, el("a", { href: `#${target.id}` }, typed(box.querySelector("legend, label").textContent), `: ${error.detail}`)));
    }
    summary.replaceChildren(el("h2", { text: "There is a problem" }), el("p", { text: sentence(problem.detail) }),
      list.children.length ? list : null);
    summary.hidden = false;
    summary.focus();
  }

  // preview: HR see the questionnaire as it will be answered; the buttons say that nothing is saved or sent.
  function render(survey, preview = false) {
    heading.replaceChildren(typed(survey.title));
    document.title = `${isolated(survey.title)} – Staffroom`;
    const scales = Object.fromEntries(survey.scales.map((s) => [s.key, s]));
    const summary = el("div", { class: "error-summary", role: "alert", tabindex: "-1", hidden: true });
    const form = el("form", { novalidate: true, "aria-labelledby": "survey-title" });
    form.append(el("p", { text: `Open until ${day(survey.closes_on)}. Every question is optional: skip any you would rather not answer. You can save your answers and come back with the same link, in this browser.` }), summary);
    if (survey.saved_elsewhere) {
      form.append(el("div", { class: "panel", role: "note" }, el("p", { text: "You saved answers with this link in another browser or on another device. To keep your answers private they can only be opened there, so they are not shown here. Carry on there, or answer here: saving or submitting here replaces them." })));
    }
    for (const section of survey.sections) {
      const part = el("section", { "aria-labelledby": `s-${section.key}` },
        el("h2", { id: `s-${section.key}` }, typed(section.title)),
        section.instructions ? el("p", { text: section.instructions }) : null,
        // a score of several questions counts only those who answer them all (a part-answered one could point to them)
        section.counted_whole ? el("p", { class: "hint", text: "Some of these questions add up to a score. A score counts only if you answer all of its questions: skip one, and its other answers are not counted either, so that a part-answered score cannot point to you." }) : null);
      for (const item of section.items) part.append(question(item, scales, survey.saved || {}));
      // Only what the instrument's licence asks respondents to see; its sources and terms are for HR.
      if (section.acknowledgement) part.append(el("p", { class: "hint", text: section.acknowledgement }));
      form.append(part);
    }
    const save = el("button", { type: "button", class: "button secondary", text: "Save and finish later" });
    const send = el("button", { type: "submit", class: "button", text: "Submit my answers" });
    // Said beside the buttons, where the eye is after pressing one (the status at the top is out of sight).
    const saved = el("p", { class: "hint", role: "status", "aria-live": "polite" });
    // Replies to what someone writes reach them only through this link in this browser (service.replies).
    const written = survey.sections.some((section) => section.items.some((item) => item.scale === "text"));
    if (written && !preview) {
      form.append(el("p", { class: "hint", text: kept
        ? "If HR or your head reply to something you write, nobody is told it was you, and you are not sent a message: open your link again in this browser after the survey closes to read any reply, and answer it if you wish."
        : "This browser is set not to keep what Staffroom stores in it, so you will not be able to read replies to what you write. Your answers are still counted." }));
    }
    form.append(el("div", { class: "actions" }, send, save), saved);
    root.replaceChildren(form);

    async function act(work) {
      save.disabled = send.disabled = true;
      try { await work(); } catch (problem) {
        if (problem.status === 422) showErrors(form, summary, problem);
        else if (problem.survey === "closed") stop(`Your answers were not sent. ${sentence(problem.detail)}`, true, true);
        else if (problem.status === 404 || problem.status === 409) stop(sentence(problem.detail));
        else status.textContent = `${sentence(problem.detail || "Staffroom could not be reached")} Your answers are still here: please try again.`;
      } finally { save.disabled = send.disabled = false; }
    }
    if (preview) {
      const nothing = (event) => { event.preventDefault(); saved.textContent = "This is a preview: nothing is saved or sent."; };
      save.addEventListener("click", nothing);
      form.addEventListener("submit", nothing);
      return;
    }
    save.addEventListener("click", () => act(async () => {
      await call("PUT", "/answers", answersIn(form));
      summary.hidden = true;
      saved.textContent = `Your answers are saved. Open your link again in this browser before ${day(survey.closes_on)} to finish.`;
    }));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      act(async () => {
        await call("POST", "/submission", answersIn(form));
        sessionStorage.removeItem(STORE);
        heading.textContent = "Thank you for answering";
        document.title = "Thank you – Staffroom";
        status.textContent = "";
        root.replaceChildren(el("div", { class: "panel" },
          el("p", {}, "Your answers to “", typed(survey.title), "” have been sent. They are not linked to your name, and they will be counted with everyone else's when the survey closes."),
          el("p", { text: "Your link cannot be used to answer again. After the survey closes, open it again in this browser to read any replies to what you wrote: nobody will be told who you are, and you will not be sent a message when someone replies." })));
        heading.focus();
      });
    });
  }

  // Reading replies and answering one are the same request, its body padded with spaces to one size (an answer at
  // its longest, every character written as \uXXXX, fits), and its response is the same status and size whatever
  // it found or did: nobody holding the access logs can tell reading from answering, nor who wrote what.
  const EXCHANGE_SIZE = 6200;
  function exchange(answer) {
    const sent = JSON.stringify(answer ? { answer } : {});
    return call("POST", "/replies", null, sent + " ".repeat(Math.max(0, EXCHANGE_SIZE - new TextEncoder().encode(sent).length)));
  }
  const NOT_SENT = {
    not_now: "Your last answer here is still waiting to be passed on, or this conversation has as many answers as it can take",
    not_found: "There is no reply to you under this comment, so your answer was not sent",
  };

  // The replies to what this link and browser wrote, once the survey has closed. Every such page is the same size,
  // whether or not there is anything for you, so nobody can tell from outside.
  function renderReplies(found) {
    heading.textContent = "Replies to what you wrote";
    document.title = "Replies to what you wrote – Staffroom";
    const parts = [el("p", {}, typed(found.title), `, closed on ${day(found.closed_on)}. Only you can see this: it opens with your link, in the browser you answered with.`)];
    if (!found.conversations.length) {
      parts.push(el("p", { text: "Nobody has replied to what you wrote, so far. If you answered in another browser or on another device, open your link there." }));
    }
    for (const talk of found.conversations) {
      const box = el("section", { class: "panel conversation" },
        el("p", { class: "hint", text: talk.question }),
        el("p", { text: "You wrote:" }), el("blockquote", {}, el("p", { class: "written", dir: "auto", text: talk.text })));
      for (const m of talk.messages) {
        const who = m.kind === "reply" ? `Reply from ${m.from_academy ? `${m.from_academy} HR` : "trust HR"}, ${day(m.written_on)}`
          : `Your answer, passed on ${day(m.written_on)}`;
        box.append(el("div", { class: "message" }, el("p", { class: "hint", text: who }),
          m.removed ? el("p", {}, el("em", { text: "Removed." })) : el("p", { class: "written", dir: "auto", text: m.text })));
      }
      if (talk.waiting) {
        box.append(el("div", { class: "message" }, el("p", { class: "hint", text: "Your answer, waiting to be passed on" }),
          el("p", { class: "written", text: talk.waiting })));
      }
      if (talk.may_answer) {
        const id = `a-${talk.comment_id}`;
        const error = el("p", { class: "field-error", id: `e-${id}`, hidden: true });
        const text = el("textarea", { id, name: "text", rows: 3, maxlength: 1000, "aria-describedby": `h-${id} e-${id}` });
        const reply = el("form", { novalidate: true },
          el("div", { class: "field" }, el("label", { for: id, text: "Your answer" }),
            el("p", { class: "hint", id: `h-${id}`, text: `Up to 1,000 characters, without names. To keep you anonymous it is passed on to HR together with others, once at least ${found.release_after} people have answered replies in this survey, and shows the day it was passed on, not today.` }),
            error, text),
          el("div", { class: "actions" }, el("button", { type: "submit", class: "button", text: "Send my answer" })));
        reply.addEventListener("submit", (event) => {
          event.preventDefault();
          exchange({ comment_id: talk.comment_id, text: text.value })
            .then((found) => {
              if (found.answer === "held") return renderReplies(found);
              error.hidden = false;
              error.textContent = sentence(NOT_SENT[found.answer]);
              text.focus();
            })
            .catch((problem) => {
              error.hidden = false;
              error.textContent = sentence(problem.errors.length ? problem.errors[0].detail : problem.detail);
              text.focus();
            });
        });
        box.append(reply);
      }
      parts.push(box);
    }
    root.replaceChildren(...parts);
  }

  const preview = root.dataset.preview && document.getElementById(root.dataset.preview);
  if (preview) {
    render(JSON.parse(preview.textContent), true);
    return;
  }
  if (!token) {
    stop("This page needs the personal link from your survey invitation email.");
    return;
  }
  status.textContent = "Loading your survey…";
  call("GET", "")
    .then((survey) => { status.textContent = ""; render(survey); })
    .catch((problem) => problem.status === 409 && problem.survey !== "closed" // answered with this link: replies?
      ? exchange().then((found) => { status.textContent = ""; renderReplies(found); }, () => { throw problem; })
      : Promise.reject(problem))
    .catch((problem) => {
      status.textContent = "";
      stop(problem.status === 404 || problem.status === 409 ? `This link does not work. ${sentence(problem.detail)}`
        : `${sentence(problem.detail || "Staffroom could not be reached")} Please reload the page to try again.`,
      problem.status === 404 || problem.status === 409, problem.survey === "closed");
    });
})();
