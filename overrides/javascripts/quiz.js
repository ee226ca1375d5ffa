// The quiz page (docs/quiz.md): each question's list of options becomes a group of radio
// buttons (checkboxes where it asks for every case that applies). Choosing an option marks
// it right or not and shows that option's feedback, copied from the question's closed answer
// box, which stays as it is. A screen reader hears the feedback through a polite live region.
// Without JavaScript the page shows the list and the boxes, and says the same.
(() => {
  const OPTION = /^\(([a-z])\)\s*/;
  const VERDICT = /^\(([a-z])\) (Right|Not right)\.$/;

  // The options of a question: the list right before its answer box, "(a) ...", "(b) ...".
  function optionsOf(box) {
    const list = box.previousElementSibling;
    if (!list || list.tagName !== "UL") return null;
    const items = [...list.children];
    const letters = items.map((item) => (item.textContent.trim().match(OPTION) || [])[1]);
    return letters.every(Boolean) ? { list, items, letters } : null;
  }

  // {letter: {right, item}} from the box's feedback list, "**(a) Not right.** ...".
  function feedbackOf(box) {
    const feedback = {};
    for (const item of box.querySelectorAll(":scope > ul > li")) {
      const lead = item.querySelector(":scope > strong:first-child");
      const match = lead && lead.textContent.trim().match(VERDICT);
      if (match) feedback[match[1]] = { right: match[2] === "Right", item };
    }
    return feedback;
  }

  function enhance(box, index) {
    const options = optionsOf(box);
    if (!options || box.dataset.quiz) return;
    const feedback = feedbackOf(box);
    if (!options.letters.every((letter) => letter in feedback)) return;
    box.dataset.quiz = "ready";

    const siblings = [...box.parentElement.children];
    const heading = siblings
      .slice(0, siblings.indexOf(box))
      .filter((element) => element.tagName === "H2")
      .pop();
    const lead = box.querySelector(":scope > p > strong");
    const many = lead && lead.textContent.trim().startsWith("Right answers");
    const name = `quiz-${index + 1}`;

    const group = document.createElement("fieldset");
    group.className = "quiz-choices";
    if (heading) {
      const title = heading.cloneNode(true);
      title.querySelectorAll(".headerlink").forEach((link) => link.remove());
      group.setAttribute("aria-label", `Question ${title.textContent.trim()}`);
    }
    const hint = document.createElement("p");
    hint.className = "quiz-hint";
    hint.textContent = many ? "Choose every option that applies." : "Choose one option.";
    group.append(hint);

    const status = document.createElement("p");
    status.className = "quiz-status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");

    const rows = options.items.map((item, position) => {
      const letter = options.letters[position];
      const { right, item: source } = feedback[letter];
      const row = document.createElement("div");
      row.className = "quiz-option";
      row.dataset.letter = letter;
      const input = document.createElement("input");
      input.type = many ? "checkbox" : "radio";
      input.name = name;
      input.id = `${name}-${letter}`;
      input.value = letter;
      const label = document.createElement("label");
      label.htmlFor = input.id;
      label.append(...item.childNodes);
      const said = document.createElement("div");
      said.className = "quiz-feedback";
      said.id = `${input.id}-feedback`;
      said.hidden = true;
      said.append(...[...source.childNodes].map((node) => node.cloneNode(true)));
      row.append(input, label, said);
      row.classList.add(right ? "quiz-is-right" : "quiz-is-wrong");
      return { row, input, said, right };
    });

    function show() {
      for (const { row, input, said } of rows) {
        said.hidden = !input.checked;
        row.classList.toggle("quiz-chosen", input.checked);
        // Described by its feedback once chosen, never before: that would give it away.
        if (input.checked) input.setAttribute("aria-describedby", said.id);
        else input.removeAttribute("aria-describedby");
      }
    }
    for (const { input, said } of rows) {
      input.addEventListener("change", () => {
        show();
        // Announce the option just chosen (or, for a checkbox, just ticked).
        status.textContent = input.checked ? said.textContent.trim().replace(/\s+/g, " ") : "";
      });
    }
    group.append(...rows.map(({ row }) => row));
    options.list.replaceWith(group);
    group.after(status);
    show();
  }

  document$.subscribe(() => {
    document.querySelectorAll("article details.question").forEach(enhance);
  });
})();
