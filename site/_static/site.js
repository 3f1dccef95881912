// Three accessibility fixes that axe-core (tests/website) checks for:
// - the primary sidebar (the site's title above the lessons' list) is a landmark, so that no content
//   stands outside one;
// - the theme's search buttons say "Search" to a screen reader but show "Search ... Ctrl+K": their name
//   becomes their visible text;
// - a display equation wider than the column scrolls sideways: it can then be focused, so that a keyboard
//   can scroll it too.
document.addEventListener("DOMContentLoaded", () => {
  const sidebar = document.querySelector(".bd-sidebar-primary");
  if (sidebar) {
    sidebar.setAttribute("role", "complementary");
    sidebar.setAttribute("aria-label", "Site navigation");
  }
  document.querySelectorAll(".search-button__button[aria-label]").forEach((button) => {
    button.removeAttribute("aria-label");
  });
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    MathJax.startup.promise.then(() => {
      document.querySelectorAll('mjx-container[display="true"]').forEach((math) => {
        if (math.scrollWidth > math.clientWidth) {
          math.setAttribute("tabindex", "0");
        }
      });
    });
  }
});
