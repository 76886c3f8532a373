// Material's bootstrap (its partials/javascripts/base.html writes these lines inline), as a file
// for private pages, whose Content-Security-Policy runs scripts from the site's own origin only.
// The scope comes from the script element, where the template writes what Material writes inline.
var __md_scope = new URL(document.currentScript.dataset.scope, location),
  __md_hash = (value) => [...value].reduce((hash, char) => (hash << 5) - hash + char.charCodeAt(0), 0),
  __md_get = (key, storage = localStorage, scope = __md_scope) => JSON.parse(storage.getItem(scope.pathname + "." + key)),
  __md_set = (key, value, storage = localStorage, scope = __md_scope) => {
    try {
      storage.setItem(scope.pathname + "." + key, JSON.stringify(value));
    } catch (error) {}
  };
