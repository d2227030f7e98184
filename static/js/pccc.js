// PCCC grid: spreadsheet keys. Enter or ↓ moves down a row in the same column, ↑ moves up;
// Tab keeps the natural left-to-right order. Warns before leaving with unsaved changes.
(function () {
  "use strict";
  var table = document.getElementById("pccc-grid");
  var form = document.getElementById("pccc-grid-form");
  if (!table || !form) { return; }
  var dirty = false;

  function move(field, step) {
    var cell = field.closest("td");
    var row = cell.parentElement;
    var index = Array.prototype.indexOf.call(row.children, cell);
    var target = row;
    do { target = step > 0 ? target.nextElementSibling : target.previousElementSibling; }
    while (target && !target.children[index]);
    var next = target && target.children[index].querySelector("input, select");
    if (next) { next.focus(); if (next.select) { next.select(); } }
  }

  table.addEventListener("keydown", function (event) {
    var field = event.target;
    if (!field.matches("input, select")) { return; }
    if (event.key === "Enter" || (event.key === "ArrowDown" && field.tagName === "INPUT")) {
      event.preventDefault();
      move(field, 1);
    } else if (event.key === "ArrowUp" && field.tagName === "INPUT") {
      event.preventDefault();
      move(field, -1);
    }
  });
  table.addEventListener("input", function () { dirty = true; });
  table.addEventListener("change", function () { dirty = true; });
  form.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });
  var firstError = table.querySelector(".is-invalid");
  if (firstError) { firstError.focus(); }
})();
