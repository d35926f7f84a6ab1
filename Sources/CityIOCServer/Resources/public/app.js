// CityIOC: small enhancements only; every page works without script.
document.addEventListener("click", function (event) {
  var target = event.target;
  if (!(target instanceof Element)) return;
  var confirmText = target.closest("[data-confirm]");
  if (confirmText && !window.confirm(confirmText.getAttribute("data-confirm"))) event.preventDefault();
  var copy = target.closest("[data-copy]");
  if (copy) {
    var source = document.getElementById(copy.getAttribute("data-copy"));
    if (source && navigator.clipboard) navigator.clipboard.writeText(source.textContent.trim());
  }
});
// Choosing a category reloads the report form with that category's questions.
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target instanceof HTMLSelectElement && target.closest("form[data-autosubmit]")) target.form.submit();
});
