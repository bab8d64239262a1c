// Keyboard review: j/k move between items, s/d/u decide the current one,
// Enter opens its pair. In the queue by record in doubt an item is a pair
// of a group: s/d/u (and l, leave in review) choose its verdict, and
// Enter decides its group. Keys typed into a field are left alone.
(function () {
  var items = Array.prototype.slice.call(document.querySelectorAll('.queue .item, .groups .item'));
  if (items.length === 0) return;
  var at = 0;
  function show(i) {
    items[at].classList.remove('current');
    at = Math.max(0, Math.min(items.length - 1, i));
    var it = items[at];
    it.classList.add('current');
    // the current pair's waterfall, inline
    var d = it.dataset.waterfall ? document.getElementById(it.dataset.waterfall) : it.querySelector('details');
    if (d) d.open = true;
    it.focus();
  }
  show(0);
  document.addEventListener('keydown', function (e) {
    var t = e.target;
    if (t && (t.tagName === 'INPUT' && t.type !== 'radio' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT')) return;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var it = items[at];
    if (e.key === 'j') { show(at + 1); e.preventDefault(); return; }
    if (e.key === 'k') { show(at - 1); e.preventDefault(); return; }
    if (e.key === 'Enter' && (t === it || t && t.type === 'radio' && it.contains(t))) {
      var form = it.closest('form');
      if (form) form.requestSubmit(); else it.querySelector('a').click();
      e.preventDefault();
      return;
    }
    var b = it.querySelector('[data-key="' + e.key + '"]');
    if (b) { b.click(); it.focus(); e.preventDefault(); }
  });
})();
