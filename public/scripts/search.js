// Search page: starts Pagefind's UI and runs the query sent by the header's search form
// (?q=...). Without JavaScript the page keeps its list of links instead.
(function () {
  var root = document.getElementById('search');
  if (!root || typeof window.PagefindUI !== 'function') return;
  var ui = new window.PagefindUI({
    element: '#search',
    showImages: false,
    showSubResults: true,
    translations: { placeholder: 'Search news, careers and pages' },
  });
  var fallback = document.getElementById('search-fallback');
  if (fallback) fallback.hidden = true;
  var query = new URLSearchParams(window.location.search).get('q');
  if (query) ui.triggerSearch(query);
})();
