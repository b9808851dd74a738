// The console's own script (no inline script anywhere: the CSP forbids it).
// After htmx swaps in new content, move the keyboard focus to the element marked
// data-focus (a results heading), so that keyboard and screen-reader users land on
// what changed.
document.addEventListener("htmx:afterSettle", function () {
  var target = document.querySelector("[data-focus]");
  if (target) { target.focus(); }
});
document.addEventListener("DOMContentLoaded", function () {
  var target = document.querySelector("[data-focus]");
  if (target) { target.focus(); }
});
