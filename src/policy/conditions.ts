/**
 * The Condition block: operators over the request's context keys, as the
 * IAM policy reference defines them (String*, Numeric*, Date*, Bool,
 * IpAddress, Arn*, Null, `…IfExists`, `ForAnyValue:`/`ForAllValues:`).
 */
import { isIP } from "node:net";
import type { ConditionBlock } from "./document.js";
import { literalText, substituteVariables, wildcardMatch } from "./match.js";

/** Context key → value(s); key names compare without regard to case. */
export interface ContextKeys {
  get(key: string): string | readonly string[] | undefined;
}

type Compare = (requestValue: string, policyValue: string) => boolean;

interface OperatorSpec {
  compare: Compare;
  /** Negated operators hold when no value matches (and when the key is missing). */
  negated: boolean;
  /** Policy values may use policy variables. */
  variables: boolean;
  /** Policy values are patterns (`*`, `?`), where `${*}` and `${?}` stay literal characters. */
  patterns?: true;
}

const num = (s: string) => (s.trim() === "" ? NaN : Number(s));
const date = (s: string) => (/^\d+$/.test(s) ? Number(s) * 1000 : Date.parse(s));

const OPERATORS: Record<string, OperatorSpec> = {
  StringEquals: { compare: (a, b) => a === b, negated: false, variables: true },
  StringNotEquals: { compare: (a, b) => a === b, negated: true, variables: true },
  StringEqualsIgnoreCase: { compare: (a, b) => a.toLowerCase() === b.toLowerCase(), negated: false, variables: true },
  StringNotEqualsIgnoreCase: { compare: (a, b) => a.toLowerCase() === b.toLowerCase(), negated: true, variables: true },
  StringLike: { compare: (a, b) => wildcardMatch(b, a, false), negated: false, variables: true, patterns: true },
  StringNotLike: { compare: (a, b) => wildcardMatch(b, a, false), negated: true, variables: true, patterns: true },
  NumericEquals: { compare: (a, b) => num(a) === num(b), negated: false, variables: false },
  NumericNotEquals: { compare: (a, b) => num(a) === num(b), negated: true, variables: false },
  NumericLessThan: { compare: (a, b) => num(a) < num(b), negated: false, variables: false },
  NumericLessThanEquals: { compare: (a, b) => num(a) <= num(b), negated: false, variables: false },
  NumericGreaterThan: { compare: (a, b) => num(a) > num(b), negated: false, variables: false },
  NumericGreaterThanEquals: { compare: (a, b) => num(a) >= num(b), negated: false, variables: false },
  DateEquals: { compare: (a, b) => date(a) === date(b), negated: false, variables: false },
  DateNotEquals: { compare: (a, b) => date(a) === date(b), negated: true, variables: false },
  DateLessThan: { compare: (a, b) => date(a) < date(b), negated: false, variables: false },
  DateLessThanEquals: { compare: (a, b) => date(a) <= date(b), negated: false, variables: false },
  DateGreaterThan: { compare: (a, b) => date(a) > date(b), negated: false, variables: false },
  DateGreaterThanEquals: { compare: (a, b) => date(a) >= date(b), negated: false, variables: false },
  Bool: { compare: (a, b) => a.toLowerCase() === b.toLowerCase(), negated: false, variables: false },
  BinaryEquals: { compare: (a, b) => a === b, negated: false, variables: false },
  IpAddress: { compare: (a, b) => inCidr(a, b), negated: false, variables: false },
  NotIpAddress: { compare: (a, b) => inCidr(a, b), negated: true, variables: false },
  ArnEquals: { compare: (a, b) => arnMatch(b, a), negated: false, variables: true, patterns: true },
  ArnLike: { compare: (a, b) => arnMatch(b, a), negated: false, variables: true, patterns: true },
  ArnNotEquals: { compare: (a, b) => arnMatch(b, a), negated: true, variables: true, patterns: true },
  ArnNotLike: { compare: (a, b) => arnMatch(b, a), negated: true, variables: true, patterns: true },
};

type Test = (keys: ContextKeys) => boolean;

const compiledBlocks = new WeakMap<ConditionBlock, Test>();

/** True when every operator of the block holds (operators and keys are ANDed, values ORed). */
export function conditionsHold(block: ConditionBlock | undefined, keys: ContextKeys): boolean {
  if (!block) return true;
  let test = compiledBlocks.get(block);
  if (!test) {
    test = compileBlock(block);
    compiledBlocks.set(block, test);
  }
  return test(keys);
}

/** The block's operators parsed once (set modes, IfExists, key names), so a request pays only the comparisons. */
function compileBlock(block: ConditionBlock): Test {
  const tests: Test[] = [];
  for (const [operatorName, entries] of Object.entries(block)) {
    for (const [key, policyValues] of Object.entries(entries)) tests.push(compileOperator(operatorName, key.toLowerCase(), policyValues));
  }
  return (keys) => {
    for (let i = 0; i < tests.length; i++) if (!tests[i]!(keys)) return false;
    return true;
  };
}

function compileOperator(name: string, key: string, policyValues: readonly string[]): Test {
  let operator = name;
  let setMode: "any" | "all" | undefined;
  if (operator.startsWith("ForAnyValue:")) {
    setMode = "any";
    operator = operator.slice("ForAnyValue:".length);
  } else if (operator.startsWith("ForAllValues:")) {
    setMode = "all";
    operator = operator.slice("ForAllValues:".length);
  }
  if (operator === "Null") {
    const wantsMissing = policyValues.some((v) => v.toLowerCase() === "true");
    return (keys) => {
      const raw = keys.get(key);
      return wantsMissing === (raw === undefined || (Array.isArray(raw) && raw.length === 0));
    };
  }
  const ifExists = operator.endsWith("IfExists");
  if (ifExists) operator = operator.slice(0, -"IfExists".length);
  const spec = OPERATORS[operator];
  // Documents are checked when stored, so an operator the engine does not know never holds.
  if (!spec) return () => false;
  const variables = spec.variables && policyValues.some((v) => v.includes("${"));
  return (keys) => {
    const raw = keys.get(key);
    const requestValues: readonly string[] = raw === undefined ? [] : typeof raw === "string" ? [raw] : raw;
    if (requestValues.length === 0) {
      if (setMode === "all") return true;
      if (ifExists) return true;
      return spec.negated && setMode === undefined;
    }
    const resolved = variables
      ? policyValues
          .map((v) => substituteVariables(v, (k) => single(lookup(keys, k))))
          .filter((v): v is string => v !== undefined)
          .map((v) => (spec.patterns ? v : literalText(v)))
      : policyValues;
    const matchesAny = (value: string) => resolved.some((p) => spec.compare(value, p));
    // A set qualifier applies the operator to each request value: a negated operator holds for a value that matches none of the policy's.
    if (setMode === "all") {
      return spec.negated ? requestValues.every((v) => !matchesAny(v)) : requestValues.every(matchesAny);
    }
    if (setMode === "any") {
      return spec.negated ? requestValues.some((v) => !matchesAny(v)) : requestValues.some(matchesAny);
    }
    // No qualifier: some request value matches (negated: none does).
    return spec.negated ? !requestValues.some(matchesAny) : requestValues.some(matchesAny);
  };
}

function lookup(keys: ContextKeys, key: string): string | readonly string[] | undefined {
  return keys.get(key.toLowerCase());
}

function single(value: string | readonly string[] | undefined): string | undefined {
  return typeof value === "string" ? value : value?.[0];
}

/** ARN patterns match segment by segment, with wildcards inside segments. */
function arnMatch(pattern: string, arn: string): boolean {
  const p = pattern.split(":");
  const a = arn.split(":");
  if (p.length < 6 || a.length < 6) return wildcardMatch(pattern, arn, false);
  for (let i = 0; i < 5; i++) if (!wildcardMatch(p[i]!, a[i]!, false)) return false;
  return wildcardMatch(p.slice(5).join(":"), a.slice(5).join(":"), false);
}

/** Whether an IPv4 or IPv6 address lies in a CIDR block (a bare address is a /32 or /128). */
export function inCidr(address: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split("/");
  const family = isIP(address);
  if (family === 0 || isIP(base ?? "") !== family) return false;
  const width = family === 4 ? 32 : 128;
  const bits = bitsText === undefined ? width : Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > width) return false;
  const a = toBigInt(address, family);
  const b = toBigInt(base!, family);
  const shift = BigInt(width - bits);
  return a >> shift === b >> shift;
}

function toBigInt(address: string, family: number): bigint {
  if (family === 4) return address.split(".").reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
  let text = address;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = toBigInt(v4[1]!, 4);
    text = `${text.slice(0, -v4[1]!.length)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.split("::");
  const left = head ? head.split(":") : [];
  const right = tail !== undefined && tail !== "" ? tail.split(":") : [];
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill("0"), ...right];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g || "0", 16)), 0n);
}
