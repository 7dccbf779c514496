import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { dispatchRestJson, matchRestJson } from '../protocols/aws/rest-json.js';
import type { AwsSurface, DispatchDeps } from '../protocols/aws/surface.js';
import { send, toAwsRequest } from './aws-routes.js';

/**
 * restJson1 surfaces (Cognito Sync) on their own paths: `/identitypools` and below. The surface
 * whose model has a matching method + `requestUri` template answers; an unmatched request gets
 * the first surface's 404 UnknownOperationException in the restJson1 error shape.
 */
export function registerRestJsonRoutes(app: FastifyInstance, surfaces: AwsSurface[], deps: DispatchDeps): void {
  if (surfaces.length === 0) return;
  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    const request = toAwsRequest(req);
    const surface = surfaces.find((s) => matchRestJson(s, request.method, request.rawPath) !== undefined) ?? surfaces[0]!;
    return send(reply, await dispatchRestJson(surface, request, deps));
  };
  for (const url of ['/identitypools', '/identitypools/*']) {
    app.route({ method: ['GET', 'POST', 'PUT', 'DELETE'], url, handler });
  }
}
