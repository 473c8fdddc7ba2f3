/** The page's only script: the machine table's search (every word must occur in the row). */
export const SEARCH_SCRIPT = `(function () {
  var input = document.getElementById('machine-search');
  var table = document.getElementById('machine-table');
  if (!input || !table) return;
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var texts = rows.map(function (row) { return row.textContent.toLowerCase(); });
  var count = document.getElementById('machine-count');
  var none = document.getElementById('machine-none');
  function apply() {
    var words = input.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var shown = 0;
    for (var i = 0; i < rows.length; i++) {
      var hit = words.every(function (w) { return texts[i].indexOf(w) !== -1; });
      rows[i].hidden = !hit;
      if (hit) shown++;
    }
    count.textContent = words.length ? shown + ' of ' + rows.length + ' machines' : rows.length + (rows.length === 1 ? ' machine' : ' machines');
    none.hidden = shown > 0;
  }
  input.addEventListener('input', apply);
  if (input.value) apply();
})();`;
