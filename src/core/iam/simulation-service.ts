/**
 * SimulateCustomPolicy (documents given) and SimulatePrincipalPolicy (a role's own inline and
 * attached policies, plus any given documents; the role's permissions boundary unless one is given).
 */
import { AppError } from '../errors.js';
import { parseIamArn } from './arns.js';
import { IamMessages } from './messages.js';
import type { ParsedPolicyCache } from './policy-cache.js';
import type { IamStore } from './ports.js';
import { sourcePolicyId } from './role-policy-loader.js';
import { contextFromEntries, simulate, simulationPolicies, type ContextEntry, type EvaluationResultView, type SimulationPolicy } from './simulate.js';

export interface SimulationRequest {
  policyInputList?: string[];
  permissionsBoundaryPolicyInputList?: string[];
  actionNames: string[];
  resourceArns?: string[];
  resourcePolicy?: string;
  callerArn?: string;
  contextEntries?: ContextEntry[];
}

export class SimulationService {
  constructor(
    private readonly store: IamStore,
    private readonly parsed: ParsedPolicyCache,
    private readonly accountId: string,
  ) {}

  custom(request: SimulationRequest): EvaluationResultView[] {
    return this.run(request, simulationPolicies(this.parsed, request.policyInputList ?? [], 'PolicyInputList', 'identity'), undefined);
  }

  async principal(policySourceArn: string, request: SimulationRequest): Promise<EvaluationResultView[]> {
    const arn = parseIamArn(policySourceArn);
    if (!arn || arn.type !== 'role' || arn.accountId !== this.accountId) {
      // Cognate has roles only (no IAM users or groups).
      throw new AppError('NotFound', `The entity ${policySourceArn} cannot be found.`);
    }
    const role = await this.store.roleByName(arn.name);
    if (!role || role.arn !== policySourceArn) throw new AppError('NotFound', IamMessages.roleNotFound(arn.name));
    const own: SimulationPolicy[] = (await this.store.rolePolicies(role.roleId)).map((p) => ({
      id: sourcePolicyId('role', p.policyName),
      doc: this.parsed.parse(p.document, 'identity'),
      text: p.document,
    }));
    for (const a of await this.store.attachedPolicies(role.roleId)) {
      const managed = await this.managed(a.policyArn);
      if (managed) own.push(managed);
    }
    const extra = simulationPolicies(this.parsed, request.policyInputList ?? [], 'PolicyInputList', 'identity');
    const boundary = role.permissionsBoundary === undefined ? undefined : await this.managed(role.permissionsBoundary);
    return this.run(request, [...own, ...extra], boundary);
  }

  private async managed(arn: string): Promise<SimulationPolicy | undefined> {
    const policy = await this.store.policyByArn(arn);
    const version = policy && (await this.store.policyVersion(arn, policy.defaultVersionId));
    if (!policy || !version) return undefined;
    return { id: sourcePolicyId('user-managed', policy.policyName), doc: this.parsed.parse(version.document, 'identity'), text: version.document };
  }

  private run(request: SimulationRequest, identity: SimulationPolicy[], roleBoundary: SimulationPolicy | undefined): EvaluationResultView[] {
    const boundaries = simulationPolicies(this.parsed, request.permissionsBoundaryPolicyInputList ?? [], 'PermissionsBoundaryPolicyInputList', 'boundary');
    const boundary = boundaries[0] ?? roleBoundary;
    const resourcePolicy =
      request.resourcePolicy === undefined ? undefined : simulationPolicies(this.parsed, [request.resourcePolicy], 'ResourcePolicy', 'resource')[0];
    return simulate({
      identity,
      ...(boundary ? { boundary } : {}),
      ...(resourcePolicy ? { resourcePolicy } : {}),
      ...(request.callerArn ? { callerArn: request.callerArn } : {}),
      actions: request.actionNames,
      ...(request.resourceArns ? { resources: request.resourceArns } : {}),
      context: contextFromEntries(request.contextEntries ?? []),
    });
  }
}
