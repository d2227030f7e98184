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
