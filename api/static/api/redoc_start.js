// Starts ReDoc on the schema named by its container (api/templates/api/redoc.html): a file, not an inline
// script, for the CSP. https://redocly.com/docs/redoc/deployment/html
"use strict";
(function () {
  var container = document.getElementById("redoc-container");
  Redoc.init(container.dataset.schemaUrl, { nonce: container.dataset.nonce }, container);
})();
