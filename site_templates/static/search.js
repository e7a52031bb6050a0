/* Search for search.html, as a progressive enhancement: reads the index
   that `cpdgen build` writes (static/search-index.js, loaded by a script
   tag, so it works from file:// as on any static host) and lists the
   activities whose words match, as the reader types. It fetches nothing and
   writes record text only as text, never as HTML. Without JavaScript the
   page offers the filter pages instead. */
(function () {
  "use strict";
  var index = window.CPD_INDEX;
  var form = document.getElementById("search-form");
  var input = document.getElementById("q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  if (!index || !form || !input || !status || !list) return;
  document.documentElement.classList.add("js-search");
  var LIMIT = 50;

  function norm(text) {
    return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  index.forEach(function (e) {
    e.haystack = norm([e.title, e.where, e.category, e.year || "", e.status, e.date,
      e.tags.join(" "), e.competences.join(" "), e.text].join(" "));
  });

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function row(e) {
    var li = el("li", e.year ? "entry" : "entry entry--planned");
    li.appendChild(el("p", "entry-date", e.date));
    var body = el("div");
    var title = el("h2", "entry-title");
    var link = el("a", null, e.title);
    link.href = e.path;
    title.appendChild(link);
    body.appendChild(title);
    var meta = el("p", "entry-meta");
    if (!e.year) meta.appendChild(el("span", "badge badge--" + e.status, e.status.charAt(0).toUpperCase() + e.status.slice(1)));
    meta.appendChild(el("span", "cat c" + e.slot, e.category));
    if (e.where) meta.appendChild(el("span", null, e.where));
    body.appendChild(meta);
    li.appendChild(body);
    var hours = el("p", "entry-hours", e.hours + " ");
    hours.appendChild(el("small", null, "h"));
    li.appendChild(hours);
    return li;
  }

  function run() {
    var query = input.value.trim();
    var words = norm(query).split(/\s+/).filter(Boolean);
    list.textContent = "";
    if (!words.length) {
      status.textContent = index.length + (index.length === 1 ? " activity" : " activities") + ": type a word to search.";
      return;
    }
    var hits = index.filter(function (e) {
      return words.every(function (w) { return e.haystack.indexOf(w) !== -1; });
    });
    hits.slice(0, LIMIT).forEach(function (e) { list.appendChild(row(e)); });
    status.textContent = (hits.length === 1 ? "1 match" : hits.length + " matches") + " for \u201C" + query + "\u201D" +
      (hits.length > LIMIT ? "; the first " + LIMIT + " are shown" : "") + ".";
  }

  var asked = new URLSearchParams(window.location.search).get("q");
  if (asked) input.value = asked;
  input.addEventListener("input", run);
  form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
  run();
})();
