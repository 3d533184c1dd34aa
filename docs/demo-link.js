/* global document */
// The docs site's "Demo" link, in the toolbar of every page. scripts/build-docs.mjs builds the demo into
// <site>/demo/; typedoc's navigationLinks writes an href as given, which is wrong on pages below the root, so
// the link is made here from the page's path to the site root (typedoc's data-base on <html>).
(() => {
  const add = () => {
    const toolbar = document.getElementById('tsd-toolbar-links');
    if (!toolbar || toolbar.querySelector('[data-demo-link]')) return;
    const link = document.createElement('a');
    link.href = `${document.documentElement.dataset.base ?? './'}demo/index.html`;
    link.textContent = 'Demo';
    link.dataset.demoLink = '';
    toolbar.prepend(link);
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', add);
  else add();
})();
