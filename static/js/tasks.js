// Report form: the "lý do vướng mắc" field only matters when the status is "vướng mắc".
document.addEventListener("DOMContentLoaded", () => {
  const status = document.getElementById("id_status");
  const reasonWrapper = document.getElementById("div_id_block_reason");
  if (!status || !reasonWrapper) return;
  const update = () => {
    reasonWrapper.hidden = status.value !== "vuong_mac";
  };
  status.addEventListener("change", update);
  update();
});
