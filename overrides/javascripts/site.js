// Material puts each code block's copy button in its own unnamed <nav>: a page with ten
// blocks lists ten identical landmarks to a screen reader. The button stays; the landmark goes.
document$.subscribe(() => {
  for (const nav of document.querySelectorAll(".md-code__nav")) {
    nav.setAttribute("role", "none");
  }
});

// A code block or a formula wider than its column scrolls sideways: the keyboard must reach
// it to scroll it. Material makes such a code block focusable only where a mouse can hover (its
// check is `matchMedia("(hover)")`), so on a phone or tablet with a keyboard it stays out of
// reach; it leaves the notebook's blocks (<pre> without <code>) and display math alone. This
// does all three, and again whenever a block's width changes (a turned phone, a tab shown), web
// fonts arrive or Material changes the block's tabindex: where the two disagree, this one has
// the last word.
document$.subscribe(() => {
  const handledByMaterial = matchMedia("(hover)").matches;
  const blocks = [
    ...document.querySelectorAll(
      ".jupyter-wrapper .highlight > pre, .md-typeset :is(div.arithmatex, .arithmatex-display)",
    ),
    ...(handledByMaterial ? [] : document.querySelectorAll(".md-typeset pre > code")),
  ];
  const mark = (block) => {
    const scrolls = block.scrollWidth > block.clientWidth;
    if (scrolls && block.tabIndex !== 0) block.tabIndex = 0;
    else if (!scrolls && block.hasAttribute("tabindex")) block.removeAttribute("tabindex");
  };
  const resized = new ResizeObserver((entries) => {
    for (const entry of entries) mark(entry.target);
  });
  // Material's own check may run after this one and take the tabindex away again on a phone.
  const retouched = new MutationObserver((records) => {
    for (const record of records) mark(record.target);
  });
  for (const block of blocks) {
    resized.observe(block);
    retouched.observe(block, { attributes: true, attributeFilter: ["tabindex"] });
  }
  // A formula grows once KaTeX's fonts arrive, and its box does not: look again then.
  const markAll = () => blocks.forEach(mark);
  document.fonts.addEventListener("loadingdone", markAll);
  document.fonts.ready.then(markAll);
});

// On a phone, a tablet or a zoomed-in window the header opens the navigation drawer and search
// with two <label>s, which the keyboard cannot reach. Each gets a named <button> inside it,
// around its icon. Search: the click reaches the label, where Material opens search and focuses
// the query. The drawer: the button opens and closes it and says whether it is open; opened
// from the keyboard it hands the focus to its first link, and Escape closes it and brings the
// focus back. (site.css keeps a closed drawer's links out of the Tab order.)
{
  const drawer = document.getElementById("__drawer");
  const names = {
    __drawer: document.querySelector(".md-nav--primary")?.getAttribute("aria-label"),
    __search: document.querySelector(".md-search__input")?.getAttribute("aria-label"),
  };
  const buttons = {};
  for (const [toggle, name] of Object.entries(names)) {
    const label = document.querySelector(`label.md-header__button[for='${toggle}']`);
    if (!label || !name) continue;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "lesson-header-toggle";
    button.setAttribute("aria-label", name);
    button.append(...label.childNodes);
    label.append(button);
    buttons[toggle] = button;
  }
  const drawerButton = buttons.__drawer;
  if (drawerButton) {
    const expanded = () => drawerButton.setAttribute("aria-expanded", String(drawer.checked));
    expanded();
    drawer.addEventListener("change", expanded);
    drawerButton.addEventListener("click", (event) => {
      drawer.click();
      if (drawer.checked && event.detail === 0) {  // pressed with a key, not a pointer
        document.querySelector(".md-sidebar--primary a[href]")?.focus();
      }
    });
    document.addEventListener("keydown", (event) => {
      if (event.key !== "Escape" || !drawer.checked) return;
      drawer.click();
      drawerButton.focus();
    });
  }
}
