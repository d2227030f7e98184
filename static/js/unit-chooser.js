// Unit chooser (provinces/widgets.py): a text box above each <select data-unit-chooser> that narrows
// its options as one types, by name or code, diacritics ignored ("giao thuy" finds "Giao Thủy").
// Without JavaScript the <select> alone still works; the server validates the chosen unit's scope.
// A chooser with data-search-url lists the current units only; the units before 01/07/2025 it may
// take are found by the portal's unit search as one types and added in their own group.
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
    const searchUrl = select.dataset.searchUrl;
    let legacyGroup = Array.from(select.querySelectorAll("optgroup")).find(
      (group) => group.label === select.dataset.legacyGroup,
    );
    let pending = null;
    const addLegacy = (results) => {
      const present = new Set(Array.from(select.options, (option) => option.value));
      for (const unit of results) {
        if (!unit.legacy || present.has(String(unit.id))) continue;
        if (!legacyGroup) {
          legacyGroup = document.createElement("optgroup");
          legacyGroup.label = select.dataset.legacyGroup || "";
          select.append(legacyGroup);
          groups.push([legacyGroup, ""]);
        }
        const option = new Option(unit.text, unit.id);
        legacyGroup.append(option);
        options.push([option, fold(unit.text)]);
      }
    };
    const searchLegacy = () => {
      if (!searchUrl || fold(box.value).trim().length < 2) return;
      clearTimeout(pending);
      pending = setTimeout(() => {
        fetch(`${searchUrl}?q=${encodeURIComponent(box.value)}`, { credentials: "same-origin" })
          .then((response) => (response.ok ? response.json() : { results: [] }))
          .then((data) => {
            addLegacy(data.results || []);
            narrow();
          })
          .catch(() => {});
      }, 250);
    };
    const narrow = () => {
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
    };
    box.addEventListener("input", narrow);
    box.addEventListener("input", searchLegacy);
  };

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("select[data-unit-chooser]").forEach(attach);
  });
})();
