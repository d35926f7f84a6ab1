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
// Files over the limits are named before a phone spends minutes sending them; the server checks again.
document.addEventListener("change", function (event) {
  var input = event.target;
  if (!(input instanceof HTMLInputElement) || input.type !== "file" || !input.files) return;
  var image = Number(input.getAttribute("data-max-image")), video = Number(input.getAttribute("data-max-video"));
  var most = Number(input.getAttribute("data-max-files")), problem = "";
  if (most && input.files.length > most) problem = input.getAttribute("data-too-many");
  for (var i = 0; i < input.files.length && !problem; i++) {
    var file = input.files[i], limit = file.type.indexOf("video/") === 0 ? video : image;
    if (limit && file.size > limit) problem = input.getAttribute("data-too-large").replace("%s", file.name);
  }
  input.setCustomValidity(problem);
  if (problem) input.reportValidity();
});
