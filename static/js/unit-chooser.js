// Unit chooser (provinces/widgets.py): a text box above each <select data-unit-chooser> that narrows
// its options as one types, by name or code, diacritics ignored ("giao thuy" finds "Giao Thủy").
// Without JavaScript the <select> alone still works; the server validates the chosen unit's scope.
(() => {
  const fold = (text) =>
    text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase();

  const attach = (select) => {
    const box = document.createElement("input");
    box.type = "search";
    box.className = "form-control form-control-sm mb-1";
    box.placeholder = select.dataset.filterPlaceholder || "";
    box.setAttribute("aria-label", box.placeholder);
    box.setAttribute("aria-controls", select.id);
    select.before(box);
    // Folded once: a national user's chooser holds 3,355 units.
    const options = Array.from(select.options, (option) => [option, fold(option.text)]);
    const groups = Array.from(select.querySelectorAll("optgroup"), (group) => [group, fold(group.label)]);
    box.addEventListener("input", () => {
      const words = fold(box.value).split(/\s+/).filter(Boolean);
      for (const [group, label] of groups) {
        group.dataset.provinceMatches = words.length && words.every((w) => label.includes(w)) ? "1" : "";
      }
      for (const [option, text] of options) {
        const group = option.parentElement.tagName === "OPTGROUP" ? option.parentElement : null;
        const matches =
          option.value === "" || words.every((w) => text.includes(w)) || (group && group.dataset.provinceMatches);
        option.hidden = !matches;
      }
      for (const [group] of groups) {
        group.hidden = !Array.from(group.children).some((option) => !option.hidden);
      }
    });
  };

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("select[data-unit-chooser]").forEach(attach);
  });
})();
