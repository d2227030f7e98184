// The portal's file box (inputs.widgets.FileChooserInput): shows the chosen file names beside
// "Chọn tệp", or "Chưa chọn tệp" when none, in place of the browser's own words. The widget
// includes this file once per input, hence the guard: one set of listeners per page.
(function () {
  "use strict";
  if (window.portalFileChooser) return;
  window.portalFileChooser = true;

  function showNames(input) {
    var names = document.getElementById(input.getAttribute("data-file-names"));
    if (!names) return;
    var chosen = Array.prototype.map.call(input.files || [], function (file) { return file.name; });
    names.textContent = chosen.length ? chosen.join(", ") : names.getAttribute("data-empty");
  }

  function showAll(root) {
    Array.prototype.forEach.call((root || document).querySelectorAll("input[type=file][data-file-names]"), showNames);
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input.matches && input.matches("input[type=file][data-file-names]")) showNames(input);
  });
  // A reset form empties its inputs after the event: read them on the next turn.
  document.addEventListener("reset", function (event) {
    var form = event.target;
    window.setTimeout(function () { showAll(form); }, 0);
  });
  // Back to a page the browser kept, files still chosen: say which.
  window.addEventListener("pageshow", function () { showAll(document); });
  if (document.readyState !== "loading") showAll(document);
  else document.addEventListener("DOMContentLoaded", function () { showAll(document); });
})();
