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

  // Buttons that start long work (a file check, a PDF, the grid's save) say so and are pressed
  // once: the label comes from data-busy-label on the button or its <form>. The button is disabled
  // only after the browser has read the form (a disabled submitter would drop its name=value).
  // A download (data-busy-download) leaves the page where it is: the button comes back after a
  // while; so does every button when the page is shown again with the Back button.
  const BUSY_DOWNLOAD_MS = 8000;
  const busyButtons = [];
  const release = function (button) {
    if (button.getAttribute("aria-busy") !== "true") return;
    button.disabled = false;
    button.removeAttribute("aria-busy");
    if (button.tagName === "INPUT") button.value = button.dataset.idleLabel;
    else button.innerHTML = button.dataset.idleLabel; // the button's own markup, saved below
    if (button.form) delete button.form.dataset.busy;
  };
  document.addEventListener("submit", function (event) {
    const form = event.target;
    const button = event.submitter || form.querySelector("[type=submit]");
    const label = (button && button.dataset.busyLabel) || form.dataset.busyLabel;
    if (!button || !label) return;
    if (form.dataset.busy) {
      event.preventDefault();
      return;
    }
    form.dataset.busy = "1";
    window.setTimeout(function () {
      if (event.defaultPrevented) {
        delete form.dataset.busy;
        return;
      }
      const isInput = button.tagName === "INPUT";
      button.dataset.idleLabel = isInput ? button.value : button.innerHTML;
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
      if (isInput) {
        button.value = label;
      } else {
        const spinner = document.createElement("span");
        spinner.className = "spinner-border spinner-border-sm me-1";
        spinner.setAttribute("aria-hidden", "true");
        button.replaceChildren(spinner, document.createTextNode(label));
      }
      busyButtons.push(button);
      if (form.hasAttribute("data-busy-download") || button.hasAttribute("data-busy-download")) {
        window.setTimeout(function () { release(button); }, BUSY_DOWNLOAD_MS);
      }
    }, 0);
  });
  window.addEventListener("pageshow", function () { busyButtons.forEach(release); });
})();
