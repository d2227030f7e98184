// PCCC grid: spreadsheet keys and a compact submit.
// Enter or ↓ moves down a row in the same column, ↑ moves up; Tab keeps the natural order.
// On submit only changed cells (and cells typed before a failed save) are sent, as JSON in
// one field: a province's full grid has more inputs than Django accepts as form fields.
(function () {
  "use strict";
  var table = document.getElementById("pccc-grid");
  var form = document.getElementById("pccc-grid-form");
  var payload = document.getElementById("pccc-cells-json");
  if (!table || !form || !payload) { return; }
  var NAME = /^c(\d+)_u(\d+)_([vdae])$/;
  var dirty = false;

  function fields() { return table.querySelectorAll("input, select"); }

  function changed(field) {
    if (field.dataset.typed === "1") { return true; }
    var initial = field.tagName === "SELECT" ? (field.dataset.initial || "") : field.defaultValue;
    return field.value !== initial;
  }

  function move(field, step) {
    var cell = field.closest("td");
    var index = Array.prototype.indexOf.call(cell.parentElement.children, cell);
    var target = cell.parentElement;
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

  form.addEventListener("submit", function () {
    var cells = {};
    fields().forEach(function (field) {
      var match = NAME.exec(field.name);
      if (!match) { return; }
      var key = match[1] + "_" + match[2];
      var cell = cells[key] || (cells[key] = { c: Number(match[1]), u: Number(match[2]), changed: false });
      cell[match[3]] = field.value;
      cell.changed = cell.changed || changed(field);
    });
    var sent = Object.keys(cells).map(function (key) { return cells[key]; })
      .filter(function (cell) { return cell.changed; })
      .map(function (cell) { return { c: cell.c, u: cell.u, v: cell.v, d: cell.d, a: cell.a, e: cell.e }; });
    payload.name = "cells_json";
    payload.value = JSON.stringify(sent);
    fields().forEach(function (field) { field.disabled = true; });
    dirty = false;
  });
  // Coming back with the browser's Back button must give usable inputs again.
  window.addEventListener("pageshow", function () {
    fields().forEach(function (field) { field.disabled = false; });
    payload.removeAttribute("name");
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });
  var firstError = table.querySelector(".is-invalid");
  if (firstError) { firstError.focus(); }
})();
