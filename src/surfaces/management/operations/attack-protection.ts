import { isIP } from 'node:net';
import { THROTTLE_STAGES, type StageLimits, type SuspiciousIpThrottling } from '../../../core/identity/ip-throttle.js';
import { isIpOrRange } from '../../../core/ip-ranges.js';
import type { Mgmt } from '../context.js';
import { badPayload, badRequest, notFound } from '../errors.js';
import type { Operation } from '../router.js';
import { objectBody, optBool, optInt, optObject, optStrArray, type Json } from '../shapes.js';

const SHIELDS = ['block', 'admin_notification'];
/** Auth0's bounds: attempts per stage, and at most a day per regained attempt. */
const MAX_ATTEMPTS = 10_000;
const MAX_RATE_MS = 86_400_000;

function stagePatch(o: Json, current: SuspiciousIpThrottling['stage']): SuspiciousIpThrottling['stage'] {
  const stage = optObject(o, 'stage');
  if (!stage) return current;
  objectBody(stage, THROTTLE_STAGES);
  const next = { ...current };
  for (const name of THROTTLE_STAGES) {
    const s = optObject(stage, name);
    if (!s) continue;
    objectBody(s, ['max_attempts', 'rate']);
    const limits: StageLimits = {
      max_attempts: optInt(s, 'max_attempts', 1, MAX_ATTEMPTS) ?? current[name].max_attempts,
      rate: optInt(s, 'rate', 1, MAX_RATE_MS) ?? current[name].rate,
    };
    next[name] = limits;
  }
  return next;
}

/**
 * Attack protection (auth0-api.md §4.3): suspicious IP throttling's settings, and the IPs it
 * currently refuses (`/anomaly/blocks/ips/{ip}`: 200 when blocked, 404 when not; DELETE gives
 * the IP its attempts back, 204).
 */
export function attackProtectionOperations(m: Mgmt): Operation[] {
  const ipParam = (params: Record<string, string>): string => {
    const ip = params['id'] ?? '';
    if (isIP(ip) === 0) throw badRequest(`Path validation error: 'String does not match pattern ^(\\d{1,3}\\.){3}\\d{1,3}$|: ${ip}' on property id.`, 'invalid_uri');
    return ip;
  };
  return [
    {
      method: 'GET',
      path: '/attack-protection/suspicious-ip-throttling',
      scopes: ['read:attack_protection'],
      description: 'Get Suspicious IP Throttling settings',
      async handle() {
        return { status: 200, body: (await m.s.tenant.get()).suspicious_ip_throttling };
      },
    },
    {
      method: 'PATCH',
      path: '/attack-protection/suspicious-ip-throttling',
      scopes: ['update:attack_protection'],
      description: 'Update Suspicious IP Throttling settings',
      async handle({ body }) {
        const o = objectBody(body, ['enabled', 'shields', 'allowlist', 'stage']);
        const current = (await m.s.tenant.get()).suspicious_ip_throttling;
        const shields = optStrArray(o, 'shields', { maxItems: SHIELDS.length });
        const bad = shields?.find((x) => !SHIELDS.includes(x));
        if (bad !== undefined) throw badPayload(`No enum match for: "${bad}"`, 'shields');
        const allowlist = optStrArray(o, 'allowlist', { max: 64, maxItems: 100 });
        const badEntry = allowlist?.find((x) => !isIpOrRange(x));
        if (badEntry !== undefined) throw badPayload(`Object didn't pass validation for format ipv4-or-ipv6-or-cidr: ${badEntry}`, 'allowlist');
        const next: SuspiciousIpThrottling = {
          enabled: optBool(o, 'enabled') ?? current.enabled,
          shields: shields ? [...new Set(shields)] : current.shields,
          allowlist: allowlist ?? current.allowlist,
          stage: stagePatch(o, current.stage),
        };
        return { status: 200, body: (await m.s.tenant.update({ suspicious_ip_throttling: next })).suspicious_ip_throttling };
      },
    },
    {
      method: 'GET',
      path: '/anomaly/blocks/ips/:id',
      scopes: ['read:anomaly_blocks'],
      description: 'Check if an IP address is blocked',
      async handle({ params }) {
        if (!(await m.s.throttle.blockedAnywhere(ipParam(params)))) throw notFound('IP address specified is not currently blocked.');
        return { status: 200 };
      },
    },
    {
      method: 'DELETE',
      path: '/anomaly/blocks/ips/:id',
      scopes: ['delete:anomaly_blocks'],
      description: 'Remove the blocked IP address',
      async handle({ params }) {
        await m.s.throttle.release(ipParam(params));
        return { status: 204 };
      },
    },
  ];
}
