// Material puts each code block's copy button in its own unnamed <nav>: a page with ten
// blocks lists ten identical landmarks to a screen reader. The button stays; the landmark goes.
document$.subscribe(() => {
  for (const nav of document.querySelectorAll(".md-code__nav")) {
    nav.setAttribute("role", "none");
  }
});

// A notebook block wider than the column scrolls sideways: let the keyboard reach it, as
// Material does for the other pages' code. All widths are read before any is changed.
document$.subscribe(() => {
  const blocks = [...document.querySelectorAll(".jupyter-wrapper .highlight > pre")];
  const wide = blocks.filter((pre) => pre.scrollWidth > pre.clientWidth);
  for (const pre of wide) {
    pre.tabIndex = 0;
  }
});
