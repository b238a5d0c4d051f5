// Staffroom portal: small enhancements only; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // After a refused form, take keyboard and screen-reader users straight to the list of problems.
  const summary = document.querySelector("[data-focus]");
  if (summary) summary.focus();

  // Long operations (imports, exports): show progress, and stop a second click sending it twice.
  document.querySelectorAll("form[data-progress]").forEach((form) => {
    form.addEventListener("submit", () => {
      const status = document.getElementById(form.dataset.progress);
      if (status) status.hidden = false;
      form.querySelectorAll("button[type=submit]").forEach((b) => { b.disabled = true; });
    });
  });
});
