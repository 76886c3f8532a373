// Private pages: the "Print or save as PDF" button. A file of this site, not an inline script,
// so the page's Content-Security-Policy (scripts from its own origin only) lets it run.
// Without JavaScript the button stays hidden: the browser's own print command still works.
for (const button of document.querySelectorAll("[data-invoice-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}

