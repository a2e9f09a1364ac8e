/// The application's style sheet and script, served from the binary (`/static/…`): no CDN, no
/// network, nothing to install. Sized for 1024×768 and up; printable record sheets.
enum Assets {
    static let css = #"""
:root { --ink:#1d2327; --muted:#5b6770; --line:#cfd6dc; --accent:#0a5c8a; --accent-ink:#fff; --warn:#8a4b00; --warn-bg:#fff4e0; --bad:#a01818; --bad-bg:#fde8e8; --ok:#1d6b32; --ok-bg:#e6f4ea; --bg:#f6f7f8; }
* { box-sizing: border-box; }
body { margin:0; font: 16px/1.45 "DejaVu Sans", "Noto Sans", Arial, sans-serif; color:var(--ink); background:var(--bg); }
a { color:var(--accent); }
a:focus, button:focus, input:focus, select:focus, textarea:focus, summary:focus { outline:3px solid #f0b400; outline-offset:2px; }
.skip { position:absolute; left:-9999px; top:0; background:#fff; padding:.5em; }
.skip:focus { left:.5em; z-index:10; }
header.top { font-size:15px; display:flex; flex-wrap:wrap; align-items:center; gap:.4em .8em; background:var(--accent); color:var(--accent-ink); padding:.5em 1em; }
header.top a { color:var(--accent-ink); text-decoration:none; padding:.2em .4em; border-radius:3px; }
header.top a[aria-current=page] { background:rgba(255,255,255,.22); font-weight:bold; }
header.top nav { display:flex; flex-wrap:wrap; gap:.1em .1em; flex:1; }
.brand { font-weight:bold; font-size:1.1em; }
header.top form { margin:0; }
header.top button { background:transparent; color:var(--accent-ink); border:1px solid rgba(255,255,255,.6); }
main { max-width:1180px; margin:0 auto; padding:1em; }
h1 { font-size:1.5em; margin:.3em 0 .6em; }
h2 { font-size:1.2em; margin:1.2em 0 .5em; }
table { border-collapse:collapse; width:100%; background:#fff; }
th, td { text-align:left; padding:.35em .5em; border-bottom:1px solid var(--line); vertical-align:top; }
th { background:#eef1f3; font-weight:600; }
.num { text-align:right; font-variant-numeric:tabular-nums; }
.cards { display:grid; grid-template-columns:repeat(auto-fill, minmax(170px, 1fr)); gap:.7em; }
.card { background:#fff; border:1px solid var(--line); border-radius:6px; padding:.7em .9em; }
.card .big { font-size:1.8em; font-weight:bold; }
.panel { background:#fff; border:1px solid var(--line); border-radius:6px; padding:.8em 1em; margin:.8em 0; }
.flash { background:var(--ok-bg); color:var(--ok); border:1px solid #a8d5b5; padding:.6em .8em; border-radius:4px; }
.warning { background:var(--warn-bg); color:var(--warn); border:1px solid #f0c27a; padding:.6em .8em; border-radius:4px; }
.error, .field-error { color:var(--bad); }
.errors { background:var(--bad-bg); border:1px solid #f0a8a8; padding:.6em .8em; border-radius:4px; color:var(--bad); }
form.record .field { margin:.5em 0 .8em; }
form.record label, .label { display:block; font-weight:600; margin-bottom:.2em; }
.required::after { content:" *"; color:var(--bad); }
input[type=text], input[type=tel], input[type=number], input[type=date], input[type=password], input[type=search], select, textarea {
  font:inherit; padding:.35em .5em; border:1px solid #8d99a3; border-radius:4px; background:#fff; min-width:16em; max-width:100%; }
textarea { width:100%; min-height:5em; }
[aria-invalid=true] { border-color:var(--bad); border-width:2px; }
.hint { color:var(--muted); font-size:.9em; }
.grid2 { display:grid; grid-template-columns:1fr 1fr; gap:0 2em; }
fieldset { border:1px solid var(--line); border-radius:4px; }
fieldset.checks label { display:inline-block; font-weight:normal; margin-right:1em; }
button, .button { font:inherit; padding:.4em .9em; border-radius:4px; border:1px solid var(--accent); background:var(--accent); color:#fff; cursor:pointer; text-decoration:none; display:inline-block; }
button.secondary, .button.secondary { background:#fff; color:var(--accent); }
button.danger { background:var(--bad); border-color:var(--bad); }
.search { display:flex; flex-wrap:wrap; gap:.5em; align-items:end; margin-bottom:.8em; }
.search input[type=search] { min-width:22em; font-size:1.1em; }
.pager { display:flex; gap:1em; align-items:center; margin:.8em 0; }
.muted { color:var(--muted); }
dl.record { display:grid; grid-template-columns:14em 1fr; gap:.3em 1em; background:#fff; padding:.8em; border:1px solid var(--line); border-radius:6px; }
dl.record dt { font-weight:600; }
dl.record dd { margin:0; }
.actions { display:flex; flex-wrap:wrap; gap:.5em; margin:.8em 0; }
.inline { display:inline; }
.progress { width:100%; height:1.2em; }
.chart { background:#fff; border:1px solid var(--line); border-radius:6px; padding:.5em; }
.charts { display:grid; grid-template-columns:1fr 1fr; gap:.8em; }
.badge { display:inline-block; padding:0 .4em; border-radius:3px; background:#eef1f3; font-size:.9em; }
.badge.bad { background:var(--bad-bg); color:var(--bad); }
@media (max-width: 800px) { .grid2, .charts { grid-template-columns:1fr; } }
@media print {
  header.top, .actions, .no-print, .skip { display:none !important; }
  body { background:#fff; font-size:12pt; }
  main { max-width:none; padding:0; }
  dl.record, .panel { border:none; padding:0; }
}
"""#

    static let js = #"""
(function () {
  "use strict";
  // Search as you type: the same page, its results part only, 150 ms after the last key.
  var form = document.getElementById("recherche");
  var out = document.getElementById("resultats");
  if (form && out) {
    var timer = null, last = "";
    var refresh = function () {
      var params = new URLSearchParams(new FormData(form));
      params.delete("page");
      var query = params.toString();
      if (query === last) { return; }
      last = query;
      var request = new XMLHttpRequest();
      request.open("GET", form.getAttribute("action") + "?" + query + "&fragment=1");
      request.onload = function () {
        if (request.status === 200 && query === last) {
          out.innerHTML = request.responseText;
          history.replaceState(null, "", form.getAttribute("action") + "?" + query);
        }
      };
      request.send();
    };
    form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(refresh, 150); });
    form.addEventListener("change", function () { clearTimeout(timer); timer = setTimeout(refresh, 0); });
  }
  // The print button of a record sheet.
  var print = document.getElementById("imprimer");
  if (print) { print.addEventListener("click", function () { window.print(); }); }
  // A running job's page reloads itself until the job ends (also without script: meta refresh).
})();
"""#
}
