/** SimulateCustomPolicy and SimulatePrincipalPolicy (role sources). */
import { pageOf } from '../../../core/iam/paging.js';
import type { ContextEntry } from '../../../core/iam/simulate.js';
import type { SimulationRequest } from '../../../core/iam/simulation-service.js';
import { operation, type AnyOperation } from '../../../protocols/aws/operation.js';
import type { IamDeps } from '../deps.js';
import { paging } from '../shapes.js';

interface SimulateInput {
  PolicyInputList?: string[];
  PermissionsBoundaryPolicyInputList?: string[];
  ActionNames: string[];
  ResourceArns?: string[];
  ResourcePolicy?: string;
  CallerArn?: string;
  ContextEntries?: ContextEntry[];
  MaxItems?: number;
  Marker?: string;
}

const request = (i: SimulateInput): SimulationRequest => ({
  actionNames: i.ActionNames,
  ...(i.PolicyInputList ? { policyInputList: i.PolicyInputList } : {}),
  ...(i.PermissionsBoundaryPolicyInputList ? { permissionsBoundaryPolicyInputList: i.PermissionsBoundaryPolicyInputList } : {}),
  ...(i.ResourceArns ? { resourceArns: i.ResourceArns } : {}),
  ...(i.ResourcePolicy !== undefined ? { resourcePolicy: i.ResourcePolicy } : {}),
  ...(i.CallerArn !== undefined ? { callerArn: i.CallerArn } : {}),
  ...(i.ContextEntries ? { contextEntries: i.ContextEntries } : {}),
});

export function simulateOperations(d: IamDeps): Record<string, AnyOperation> {
  const simulation = d.services.simulation;
  const respond = (i: SimulateInput, results: unknown[]) => {
    const page = pageOf(results, i.Marker, i.MaxItems);
    return { EvaluationResults: page.items, ...paging(page) };
  };
  return {
    SimulateCustomPolicy: operation({
      auth: 'sigv4',
      async handle(input: SimulateInput, c) {
        await d.authorize(c, 'SimulateCustomPolicy', '*');
        return respond(input, simulation.custom(request(input)));
      },
    }),
    SimulatePrincipalPolicy: operation({
      auth: 'sigv4',
      async handle(input: SimulateInput & { PolicySourceArn: string }, c) {
        await d.authorize(c, 'SimulatePrincipalPolicy', input.PolicySourceArn);
        return respond(input, await simulation.principal(input.PolicySourceArn, request(input)));
      },
    }),
  };
}
