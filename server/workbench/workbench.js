// Keyboard review: j/k move between items, s/d/u decide the current one,
// Enter opens its pair. Keys typed into a field are left alone.
(function () {
  var items = Array.prototype.slice.call(document.querySelectorAll('.queue .item'));
  if (items.length === 0) return;
  var at = 0;
  function show(i) {
    items[at].classList.remove('current');
    at = Math.max(0, Math.min(items.length - 1, i));
    items[at].classList.add('current');
    var d = items[at].querySelector('details');
    if (d) d.open = true; // the current pair's waterfall, inline
    items[at].focus();
  }
  show(0);
  document.addEventListener('keydown', function (e) {
    var t = e.target;
    if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT')) return;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === 'j') { show(at + 1); e.preventDefault(); return; }
    if (e.key === 'k') { show(at - 1); e.preventDefault(); return; }
    if (e.key === 'Enter' && t === items[at]) { items[at].querySelector('a').click(); e.preventDefault(); return; }
    var b = items[at].querySelector('button[data-key="' + e.key + '"]');
    if (b) { b.click(); e.preventDefault(); }
  });
})();
