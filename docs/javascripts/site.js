// Material puts each code block's copy button in its own unnamed <nav>: a page with ten
// blocks lists ten identical landmarks to a screen reader. The button stays; the landmark goes.
document$.subscribe(() => {
  for (const nav of document.querySelectorAll(".md-code__nav")) {
    nav.setAttribute("role", "none");
  }
});
