/* Idle-session warning. The server ends a session after SESSION_IDLE_TIMEOUT without a request.
   While the user types in a form, this pings the keep-alive URL (at most once a minute), so a
   long form does not lose its session; without activity it warns two minutes before the end,
   and after the end it says so without leaving the page (what was typed stays on screen). */
(function () {
  "use strict";
  const box = document.getElementById("session-timeout");
  if (!box) return;
  const timeout = Number(box.dataset.timeoutSeconds) * 1000;
  const warnBefore = Number(box.dataset.warnSeconds) * 1000;
  if (!timeout) return;
  const csrf = (document.cookie.match(/(?:^|;\s*)(?:__Host-)?csrftoken=([^;]+)/) || [])[1] ||
    (document.querySelector("input[name=csrfmiddlewaretoken]") || {}).value || "";
  let deadline = Date.now() + timeout;
  let lastPing = Date.now();
  let typedSincePing = false;
  let expired = false;

  function show(state) {
    box.hidden = state === null;
    box.querySelectorAll("[data-state]").forEach(function (node) {
      node.hidden = node.dataset.state !== state;
    });
  }

  function ping() {
    lastPing = Date.now();
    typedSincePing = false;
    return fetch(box.dataset.keepaliveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "X-Requested-With": "fetch", Accept: "application/json" },
    }).then(function (response) {
      if (response.status === 401) { expire(); return; }
      if (response.ok) { deadline = Date.now() + timeout; show(null); }
    }).catch(function () { /* offline: try again on the next keystroke */ });
  }

  function expire() {
    expired = true;
    show("expired");
  }

  ["input", "keydown", "change"].forEach(function (name) {
    document.addEventListener(name, function () {
      if (expired) return;
      typedSincePing = true;
      if (Date.now() - lastPing > 60000) ping();
    }, true);
  });
  box.addEventListener("click", function (event) {
    if (event.target.closest("[data-keepalive]")) ping();
  });

  setInterval(function () {
    if (expired) return;
    const left = deadline - Date.now();
    if (typedSincePing && left < warnBefore) { ping(); return; }
    if (left <= 0) { expire(); return; }
    if (left < warnBefore) {
      const seconds = Math.ceil(left / 1000);
      box.querySelector("[data-countdown]").textContent =
        Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0");
      show("warning");
    }
  }, 1000);
})();
