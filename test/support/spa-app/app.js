/*
 * The test single-page app: wraps @auth0/auth0-spa-js in calls whose results are plain JSON, so a
 * test can drive it with page.evaluate('app.xxx()'). window.APP_CONFIG is prepended by the server.
 */
(function () {
  var cfg = window.APP_CONFIG;
  var failure = function (e) {
    return { ok: false, error: (e && (e.error || e.message)) || String(e), error_description: (e && e.error_description) || '' };
  };
  var ready = auth0.createAuth0Client({
    domain: cfg.domain,
    clientId: cfg.clientId,
    authorizationParams: { redirect_uri: cfg.origin + '/callback' },
    authorizeTimeoutInSeconds: 10,
  });
  var withClient = function (fn) {
    return ready.then(fn);
  };
  window.app = {
    ready: function () {
      return ready.then(function () { return true; }, failure);
    },
    login: function () {
      withClient(function (c) { return c.loginWithRedirect(); });
      return true;
    },
    callback: function () {
      return withClient(function (c) { return c.handleRedirectCallback(); }).then(function () { return { ok: true }; }, failure);
    },
    isAuthenticated: function () {
      return withClient(function (c) { return c.isAuthenticated(); });
    },
    user: function () {
      return withClient(function (c) { return c.getUser(); }).then(function (u) { return u || null; });
    },
    claims: function () {
      return withClient(function (c) { return c.getIdTokenClaims(); }).then(function (c) { return c || null; });
    },
    token: function () {
      return withClient(function (c) { return c.getTokenSilently({ cacheMode: 'off', detailedResponse: true }); }).then(function (r) {
        return { ok: true, access_token: r.access_token, id_token: r.id_token, expires_in: r.expires_in, scope: r.scope || '' };
      }, failure);
    },
    logout: function () {
      withClient(function (c) { return c.logout({ logoutParams: { returnTo: cfg.origin + '/' } }); });
      return true;
    },
  };
})();
