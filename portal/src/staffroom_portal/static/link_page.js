// What the two pages answered with a single-use link share (survey.js, feedback.js; loaded before either).
// The token arrives in the URL fragment, which browsers never send to a server: it is taken out of the address bar
// at once (not bookmarked, shared or shown over a shoulder) and kept in this tab only, under `store`.
// `el` builds an element with text always put in as text, never as HTML (questions may be the trust's own words);
// `typed` isolates words someone typed for direction: a right-to-left override in a title must not reverse the
// page's own words around it (outsider, issue 23). Text is shown with at most four combining marks on a letter, as
// the portal's pages show it (ui.few_marks): a title of "e" and 1,000 marks drew a line through the page (issue 24).
window.StaffroomLinkPage = (() => {
  "use strict";
  function linkToken(store) {
    const found = /(?:^#|&)token=([^&]+)/.exec(location.hash);
    if (found) {
      sessionStorage.setItem(store, decodeURIComponent(found[1]));
      history.replaceState(null, "", location.pathname + location.search);
    }
    return sessionStorage.getItem(store);
  }

  const fewMarks = (text) => String(text).replace(/([\p{Mn}\p{Me}]{4})[\p{Mn}\p{Me}]+/gu, "$1");

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) {
      if (value === false || value === null || value === undefined) continue;
      if (name === "text") node.textContent = fewMarks(value);
      else node.setAttribute(name, value === true ? "" : value);
    }
    for (const child of children) if (child) node.append(typeof child === "string" ? fewMarks(child) : child);
    return node;
  }

  const typed = (text) => el("bdi", { text });
  return { linkToken, el, typed };
})();
