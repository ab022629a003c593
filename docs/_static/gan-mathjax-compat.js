// The widgets of @jupyter-widgets/html-manager typeset their labels with MathJax 2's
// `MathJax.Hub.Queue(["Typeset", MathJax.Hub, element])`; this site serves MathJax 3.
// Give MathJax 3 that one call, mapped onto `MathJax.typesetPromise([element])`.
(function () {
  function queue(job) {
    var mj = window.MathJax, el = job && job[2];
    if (!mj || !mj.typesetPromise) return;
    var ready = (mj.startup && mj.startup.promise) || Promise.resolve();
    ready.then(function () { return mj.typesetPromise(el ? [el] : undefined); })
         .catch(function (e) { console.warn("MathJax typeset:", e); });
  }
  function install() {
    var mj = window.MathJax;
    if (mj && mj.version && !mj.Hub) mj.Hub = { Queue: queue };
  }
  install();                                     // deferred after MathJax: it is loaded by now
  document.addEventListener("DOMContentLoaded", install);
})();
