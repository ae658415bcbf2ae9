/**
 * Resolves CloudFormation intrinsic functions in a packaged template to local values, so the local cloud
 * and the tests run exactly the wiring `sls package` wrote. What a resource "is" locally (its ARN, URL or
 * name) is the caller's decision, through {@link ResourceResolver}; this module only walks expressions.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface ResourceResolver {
  /** `Ref` of a logical id in the same template. */
  ref(logicalId: string): string;
  /** `Fn::GetAtt` of a logical id in the same template. */
  getAtt(logicalId: string, attribute: string): string;
  /** `Fn::ImportValue` of another stack's export. */
  importValue(exportName: string): string;
}

export interface PseudoParameters {
  region: string;
  accountId: string;
  partition: string;
  stackName: string;
}

export class UnsupportedIntrinsicError extends Error {
  override readonly name = 'UnsupportedIntrinsicError';
}

const pseudo = (name: string, params: PseudoParameters): string | undefined =>
  ({
    'AWS::Region': params.region,
    'AWS::AccountId': params.accountId,
    'AWS::Partition': params.partition,
    'AWS::StackName': params.stackName,
    'AWS::URLSuffix': 'amazonaws.com',
    'AWS::NoValue': undefined,
  })[name];

/**
 * @example
 * ```ts
 * resolveIntrinsics({ 'Fn::Sub': 'arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:q' }, resolver, params);
 * ```
 */
export const resolveIntrinsics = (value: unknown, resolver: ResourceResolver, params: PseudoParameters): Json => {
  const resolve = (node: unknown): Json => {
    if (Array.isArray(node)) return node.map(resolve);
    if (node === null || typeof node !== 'object') return node as Json;
    const entries = Object.entries(node);
    const [first] = entries;
    if (entries.length === 1 && first && isIntrinsic(first[0])) return intrinsic(first[0], first[1]);
    return Object.fromEntries(entries.map(([key, child]) => [key, resolve(child)]));
  };

  const asString = (node: unknown, context: string): string => {
    const resolved = resolve(node);
    if (typeof resolved !== 'string' && typeof resolved !== 'number') {
      throw new UnsupportedIntrinsicError(`${context} must resolve to a string, got ${JSON.stringify(resolved)}`);
    }
    return String(resolved);
  };

  const refOrPseudo = (name: string): string => {
    if (name.startsWith('AWS::')) {
      const value = pseudo(name, params);
      if (value === undefined) throw new UnsupportedIntrinsicError(`pseudo parameter ${name} is not supported locally`);
      return value;
    }
    return resolver.ref(name);
  };

  const substitute = (template: string, variables: Record<string, unknown>): string =>
    template.replace(/\$\{(!?)([^}]+)\}/g, (_match, literal: string, name: string) => {
      if (literal) return `\${${name}}`;
      if (name in variables) return asString(variables[name], `Fn::Sub variable ${name}`);
      const dot = name.indexOf('.');
      if (dot > 0 && !name.startsWith('AWS::')) return resolver.getAtt(name.slice(0, dot), name.slice(dot + 1));
      return refOrPseudo(name);
    });

  const intrinsic = (fn: string, args: unknown): Json => {
    switch (fn) {
      case 'Ref':
        return refOrPseudo(asString(args, 'Ref'));
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = Array.isArray(args) ? (args as unknown[]) : String(args).split(/\.(.+)/);
        return resolver.getAtt(asString(logicalId, 'Fn::GetAtt'), asString(attribute, 'Fn::GetAtt'));
      }
      case 'Fn::ImportValue':
        return resolver.importValue(asString(args, 'Fn::ImportValue'));
      case 'Fn::Sub': {
        if (typeof args === 'string') return substitute(args, {});
        const [template, variables] = args as [string, Record<string, unknown>];
        return substitute(template, variables);
      }
      case 'Fn::Join': {
        const [delimiter, parts] = args as [string, unknown[]];
        const list = resolve(parts);
        if (!Array.isArray(list)) throw new UnsupportedIntrinsicError('Fn::Join needs a list');
        return list.map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join(delimiter);
      }
      case 'Fn::Select': {
        const [index, list] = args as [unknown, unknown];
        const resolvedList = resolve(list);
        if (!Array.isArray(resolvedList)) throw new UnsupportedIntrinsicError('Fn::Select needs a list');
        const position = Number(resolve(index));
        // CloudFormation fails the stack on an index out of bounds; a silent null would surface far away.
        if (!Number.isInteger(position) || position < 0 || position >= resolvedList.length) {
          throw new UnsupportedIntrinsicError(`Fn::Select index ${position} is out of bounds for a list of ${resolvedList.length}`);
        }
        return resolvedList[position] ?? null;
      }
      case 'Fn::Split': {
        const [delimiter, source] = args as [string, unknown];
        return asString(source, 'Fn::Split').split(delimiter);
      }
      default:
        throw new UnsupportedIntrinsicError(`${fn} is not supported by the local cloud`);
    }
  };

  return resolve(value);
};

const isIntrinsic = (key: string): boolean => key === 'Ref' || key.startsWith('Fn::');
