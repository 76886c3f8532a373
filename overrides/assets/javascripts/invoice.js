// Private pages: the "Print or save as PDF" button. A file of this site, not an inline script,
// so the page's Content-Security-Policy (scripts from its own origin only) lets it run.
// Without JavaScript the button stays hidden: the browser's own print command still works.
for (const button of document.querySelectorAll("[data-invoice-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}

// The client page's statement of account prints on its own: the page is marked while the
// print dialog is open, and the print stylesheet then shows the statement only.
for (const button of document.querySelectorAll("[data-invoice-print-statement]")) {
  button.hidden = false;
  button.addEventListener("click", () => {
    document.body.classList.add("invoice-printing-statement");
    window.print();
  });
}
window.addEventListener("afterprint", () => document.body.classList.remove("invoice-printing-statement"));
