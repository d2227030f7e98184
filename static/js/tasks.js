// Report form: the reason field only matters when the status is "vướng mắc" or "chưa triển khai".
document.addEventListener("DOMContentLoaded", () => {
  const status = document.getElementById("id_status");
  const reasonWrapper = document.getElementById("div_id_block_reason");
  if (!status || !reasonWrapper) return;
  const update = () => {
    reasonWrapper.hidden = status.value !== "vuong_mac" && status.value !== "chua_trien_khai";
  };
  status.addEventListener("change", update);
  update();
});

// A form sent back with errors: focus the first field in error (or the form's error message), so a
// phone user lands on it instead of the top of a long page. Progressive: without this script the
// messages are still beside each field.
document.addEventListener("DOMContentLoaded", () => {
  const firstError = document.querySelector("main form .is-invalid, form .is-invalid");
  const target = firstError || document.querySelector("form .alert-danger, form .invalid-feedback");
  if (!target) return;
  if (!firstError && !target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
  target.scrollIntoView({ block: "center" });
  target.focus({ preventScroll: true });
});
