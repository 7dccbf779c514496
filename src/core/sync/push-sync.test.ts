import { describe, expect, it } from 'vitest';
import { applicationFor, applicationPlatform } from './push-sync.js';
import type { PoolSyncConfig } from './types.js';

const config = (arns: string[]): PoolSyncConfig => ({ poolId: 'p', pushSync: { ApplicationArns: arns }, cognitoStreams: null, events: {}, bulkPublish: null });

describe('push sync platform applications', () => {
  it('reads the platform from an SNS platform application ARN', () => {
    expect(applicationPlatform('arn:aws:sns:us-east-1:123456789012:app/GCM/MyApp')).toBe('GCM');
    expect(applicationPlatform('arn:aws:sns:eu-west-1:123456789012:app/APNS_SANDBOX/my.app-1')).toBe('APNS_SANDBOX');
    expect(applicationPlatform('arn:aws-cn:sns:cn-north-1:123456789012:app/ADM/a')).toBe('ADM');
    for (const bad of ['arn:aws:sns:us-east-1:123456789012:topic', 'arn:aws:lambda:us-east-1:1:function:f', 'arn:aws:sns:us-east-1:1:app/GCM', 'GCM']) expect(applicationPlatform(bad)).toBeUndefined();
  });

  it('picks the first application of the device’s platform, APNS and APNS_SANDBOX apart', () => {
    const c = config(['arn:aws:sns:us-east-1:1:app/APNS_SANDBOX/dev', 'arn:aws:sns:us-east-1:1:app/APNS/prod', 'arn:aws:sns:us-east-1:1:app/APNS/other']);
    expect(applicationFor(c, 'APNS')).toBe('arn:aws:sns:us-east-1:1:app/APNS/prod');
    expect(applicationFor(c, 'APNS_SANDBOX')).toBe('arn:aws:sns:us-east-1:1:app/APNS_SANDBOX/dev');
    expect(applicationFor(c, 'GCM')).toBeUndefined();
    expect(applicationFor(undefined, 'GCM')).toBeUndefined();
  });
});
