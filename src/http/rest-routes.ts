import type { FastifyInstance } from 'fastify';
import { dispatchRestJson, matchRestJson } from '../protocols/aws/rest-json.js';
import type { AwsSurface, DispatchDeps } from '../protocols/aws/surface.js';
import { awsHandler } from './aws-routes.js';

/**
 * restJson1 surfaces (Cognito Sync) on their own paths: `/identitypools` and below. The surface
 * whose model has a matching method + `requestUri` template answers; an unmatched request gets
 * the first surface's 404 UnknownOperationException in the restJson1 error shape.
 */
export function registerRestJsonRoutes(app: FastifyInstance, surfaces: AwsSurface[], deps: DispatchDeps): void {
  if (surfaces.length === 0) return;
  const handler = awsHandler((req) => {
    for (const surface of surfaces) {
      const matched = matchRestJson(surface, req.method, req.rawPath);
      // The match goes along, so the path is matched once.
      if (matched) return dispatchRestJson(surface, req, deps, matched);
    }
    return dispatchRestJson(surfaces[0]!, req, deps);
  });
  for (const url of ['/identitypools', '/identitypools/*']) {
    app.route({ method: ['GET', 'POST', 'PUT', 'DELETE'], url, handler });
  }
}
