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
// Live figures: an element with data-live="/events?kinds=…" is filled again from the same page
// whenever the server says one of those kinds changed (server-sent events). EventSource
// reconnects by itself after a restart or a network drop; a reload after reconnecting catches up.
(function () {
  var live = document.querySelector("[data-live]");
  if (!live || !window.EventSource || !window.fetch) return;
  var waiting = false;
  function refresh() {
    waiting = false;
    fetch(window.location.href, { credentials: "same-origin" }).then(function (response) {
      return response.ok ? response.text() : null;
    }).then(function (html) {
      if (!html) return;
      var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-live]");
      if (!fresh) return;
      live.replaceChildren.apply(live, Array.prototype.map.call(fresh.childNodes, function (node) { return document.importNode(node, true); }));
      live.setAttribute("data-updated", String(Date.now()));
    }).catch(function () {});
  }
  var source = new EventSource(live.getAttribute("data-live"));
  var opened = false;
  source.addEventListener("open", function () {
    if (opened && !waiting) { waiting = true; setTimeout(refresh, 100); }
    opened = true;
  });
  source.addEventListener("change", function () {
    if (waiting) return;
    waiting = true;
    setTimeout(refresh, 100);
  });
})();
// A wall screen runs by itself: a clock, the next page of its rotation when its time is up, and
// through a restart or a network drop it keeps what it shows and tries again every five seconds.
// A revoked wall's page (404) is shown, so its screens go dark.
(function () {
  var body = document.body;
  if (!body || !body.classList.contains("wall")) return;
  var clock = document.querySelector("[data-clock]");
  function tick() {
    if (clock) clock.textContent = new Date().toLocaleTimeString(document.documentElement.lang === "en" ? "en-GB" : "vi-VN", { hour: "2-digit", minute: "2-digit" });
  }
  tick();
  setInterval(tick, 10000);
  var next = body.getAttribute("data-wall-next");
  var seconds = Number(body.getAttribute("data-wall-seconds")) || 300;
  function go(url) {
    fetch(url, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
      if (response.ok || response.status === 404 || response.status === 403) window.location.replace(url);
      else setTimeout(function () { go(url); }, 5000);
    }).catch(function () { setTimeout(function () { go(url); }, 5000); });
  }
  setTimeout(function () { go(next || window.location.href); }, (next ? seconds : 300) * 1000);
})();
// A button that prints the page (the monthly report).
(function () {
  Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
