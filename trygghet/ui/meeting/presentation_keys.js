(function () {
  var w = window.parent && window.parent.document ? window.parent : window;
  if (w.__lagesbildKeys) { return; }
  w.__lagesbildKeys = true;
  w.document.addEventListener('keydown', function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey || e.isComposing) { return; }
    // An open dialog (Anteckna) has the keys: the space bar types, Esc closes it.
    if (w.document.querySelector('[role="dialog"]')) { return; }
    var t = e.target;
    if (t && t.closest && (t.isContentEditable ||
        t.closest('input, textarea, select, [role="grid"], [role="listbox"], [role="combobox"], ' +
                  '[role="slider"], [data-testid="stDataFrame"], [data-testid="stDataFrameResizable"], ' +
                  '[data-testid="stDataEditor"]'))) { return; }
    var selector = null;
    if (e.key === 'ArrowRight' || e.key === 'PageDown' || e.key === ' ' || e.key === 'Spacebar') {
      selector = '.st-key-pres_next button';
    } else if (e.key === 'ArrowLeft' || e.key === 'PageUp') {
      selector = '.st-key-pres_prev button';
    } else if (e.key === 'Escape') {
      selector = '.st-key-pres_exit button';
    }
    // Only where the page has that button (its keyed container is drawn first) is the key ours.
    if (!selector || !w.document.querySelector(selector.split(' ')[0])) { return; }
    e.preventDefault();
    e.stopPropagation();
    // Streamlit mounts a button's component lazily, so a key pressed while the page is still
    // drawing waits up to two seconds for its button instead of being lost.
    var tries = 0;
    (function press() {
      var button = w.document.querySelector(selector);
      if (button && !button.disabled) { button.click(); return; }
      if (!button && ++tries < 20) { w.setTimeout(press, 100); }
    })();
  }, true);
  // &timer=60: after that many seconds on one view (at least 5), click Nästa. The clock restarts
  // whenever the view changes and waits while someone is typing; on the last view Nästa is off.
  w.setInterval(function () {
    var params = new URLSearchParams(w.location.search);
    var seconds = parseInt(params.get('timer') || '0', 10);
    if (!(seconds > 0) || params.get('presentation') !== '1') { w.__lagesbildTimer = null; return; }
    var view = (params.get('vy') || '1') + '/' + (params.get('sida') || '1');  // the slide shown
    var now = Date.now();
    var active = w.document.activeElement;
    var typing = active && (active.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName));
    if (!w.__lagesbildTimer || w.__lagesbildTimer.view !== view || typing) {
      w.__lagesbildTimer = { view: view, since: now };
      return;
    }
    if (now - w.__lagesbildTimer.since >= Math.max(seconds, 5) * 1000) {
      var next = w.document.querySelector('.st-key-pres_next button');
      w.__lagesbildTimer.since = now;
      if (next && !next.disabled) { next.click(); }
    }
  }, 500);
})();
