/* Small behaviours shared by every page, hooked on data-* attributes.
   The Content-Security-Policy forbids inline scripts and on* handlers: templates say
   data-navigate-on-change / data-submit-on-change / data-print instead. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    const field = event.target;
    if (!(field instanceof HTMLSelectElement || field instanceof HTMLInputElement)) return;
    if (field.hasAttribute("data-navigate-on-change") && field.value) {
      window.location = field.value;
    } else if (field.hasAttribute("data-submit-on-change") && field.form) {
      field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
    }
  });
  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-print]");
    if (button) window.print();
  });
})();
