/**
 * REST routing from the model: each operation's method, URI template
 * (`/{Bucket}/{Key+}?uploads`) and the request members it cannot do
 * without. botocore's S3 model leaves out literals AWS relies on (UploadPart
 * is just `PUT /{Bucket}/{Key+}`), so required querystring and header
 * members count as match conditions too, and the most specific match wins:
 * a plain PUT is PutObject, with `x-amz-copy-source` CopyObject, with
 * `?partNumber&uploadId` UploadPart.
 */
import type { Operation, ServiceModel } from "../model.js";
import { resolveShape } from "../model.js";
import type { WireRequest } from "../types.js";

type Segment = { literal: string } | { label: string; greedy: boolean };

interface Route {
  op: Operation;
  method: string;
  segments: Segment[];
  /** Query literals of the template; `undefined` value means present with any value. */
  queryLiterals: [string, string | undefined][];
  /** `x-id` literals only break ties; SDKs send them, other clients do not. */
  xId?: string;
  requiredQuery: string[];
  requiredHeaders: string[];
  specificity: number;
  /** Specificity of the template alone: literal segments, then query literals. */
  template: number;
}

export interface RouteMatch {
  op: Operation;
  /** Decoded URI label values by label name. */
  labels: Record<string, string>;
}

export class RestRouter {
  /** Routes by HTTP method, most specific first. */
  private readonly routes = new Map<string, Route[]>();
  /** The same without the routes that need a query literal: all a request without a query can match. */
  private readonly plainRoutes = new Map<string, Route[]>();
  /** Every bare query literal some template names (S3's sub-resources: `acl`, `tagging`, `uploads`...). */
  private readonly subresources = new Set<string>();

  constructor(model: ServiceModel) {
    for (const op of Object.values(model.operations)) {
      const route = compile(model, op);
      for (const [name, value] of route.queryLiterals) if (value === undefined) this.subresources.add(name);
      const list = this.routes.get(route.method) ?? [];
      list.push(route);
      this.routes.set(route.method, list);
    }
    for (const [method, list] of this.routes) {
      list.sort((a, b) => b.specificity - a.specificity);
      this.plainRoutes.set(method, list.filter((route) => route.queryLiterals.length === 0));
    }
  }

  match(req: WireRequest): RouteMatch | undefined {
    const segments = splitPath(req.path);
    if (!segments) return undefined;
    const plain = req.rawQuery === "";
    const xId = plain ? undefined : (req.query.get("x-id") ?? undefined);
    let best: { route: Route; labels: Record<string, string>; score: number } | undefined;
    // The most specific route whose template matches but whose required
    // members are missing: `GET /b/k?attributes` without its header is still
    // GetObjectAttributes, and Lambda's UntagResource without `tagKeys` is
    // still UntagResource, answered by validation rather than "unknown
    // operation"; a less specific template never takes the request.
    let named: { route: Route; labels: Record<string, string> } | undefined;
    for (const route of (plain ? this.plainRoutes : this.routes).get(req.method) ?? []) {
      // Sorted by specificity: once a match is found, only an x-id can beat it.
      if (best && (xId === undefined || best.score >= 1_000_000)) break;
      // Query literals first: most requests carry none, which rules out most routes without touching the path.
      if (!plain && !route.queryLiterals.every(([name, value]) => (value === undefined ? req.query.has(name) : req.query.get(name) === value))) continue;
      const labels = matchSegments(route.segments, segments);
      if (!labels) continue;
      if (
        (route.requiredQuery.length > 0 && (plain || !route.requiredQuery.every((name) => req.query.has(name)))) ||
        !route.requiredHeaders.every((name) => req.headers[name] !== undefined)
      ) {
        named ??= { route, labels };
        continue;
      }
      const score = route.specificity + (xId !== undefined && (route.xId ?? route.op.name) === xId ? 1_000_000 : 0);
      if (!best || score > best.score) best = { route, labels, score };
    }
    const chosen = named && (!best || (best.score < 1_000_000 && named.route.template > best.route.template)) ? named : best;
    if (!chosen || (!plain && this.namesOtherSubresource(req, chosen.route))) return undefined;
    return { op: chosen.route.op, labels: chosen.labels };
  }

  /**
   * A request naming a sub-resource its operation does not serve
   * (`DELETE /b?acl`) is not that operation: falling back to the plain one
   * would delete the bucket.
   */
  private namesOtherSubresource(req: WireRequest, route: Route): boolean {
    for (const name of req.query.keys()) {
      if (this.subresources.has(name) && !route.queryLiterals.some(([literal]) => literal === name) && !route.requiredQuery.includes(name)) return true;
    }
    return false;
  }

  /** Whether the request's resource (path and sub-resource) is served under another method. */
  servesOtherMethod(req: WireRequest): boolean {
    for (const method of this.routes.keys()) {
      if (method === req.method) continue;
      if (this.match({ ...req, method })) return true;
    }
    return false;
  }
}

function compile(model: ServiceModel, op: Operation): Route {
  const uri = op.http.requestUri;
  const q = uri.indexOf("?");
  const pathPart = q < 0 ? uri : uri.slice(0, q);
  const queryPart = q < 0 ? "" : uri.slice(q + 1);
  const segments: Segment[] = pathPart
    .split("/")
    .slice(1)
    .filter((s, i, all) => !(s === "" && i === all.length - 1))
    .map((s) => {
      const m = /^\{([^}+]+)(\+)?\}$/.exec(s);
      return m ? { label: m[1]!, greedy: m[2] === "+" } : { literal: s };
    });
  const queryLiterals: [string, string | undefined][] = [];
  let xId: string | undefined;
  for (const part of queryPart.split("&").filter(Boolean)) {
    const eq = part.indexOf("=");
    const name = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? undefined : part.slice(eq + 1);
    if (name === "x-id") xId = value;
    else queryLiterals.push([name, value]);
  }
  const requiredQuery: string[] = [];
  const requiredHeaders: string[] = [];
  if (op.input) {
    const input = resolveShape(model, op.input);
    for (const member of input.required ?? []) {
      const ref = input.members?.[member];
      if (ref?.location === "querystring" && ref.locationName) requiredQuery.push(ref.locationName);
      if (ref?.location === "header" && ref.locationName) requiredHeaders.push(ref.locationName.toLowerCase());
    }
  }
  const literalSegments = segments.filter((s) => "literal" in s).length;
  // A deprecated operation sharing its route with its successor
  // (GetBucketLifecycle, GetBucketLifecycleConfiguration) loses the tie.
  const specificity =
    literalSegments * 10_000 + queryLiterals.length * 100 + (requiredQuery.length + requiredHeaders.length) * 10 + segments.length - (op.deprecated ? 0.5 : 0);
  const template = literalSegments * 10_000 + queryLiterals.length * 100;
  return { op, method: op.http.method, segments, queryLiterals, xId, requiredQuery, requiredHeaders, specificity, template };
}

/** Raw path → raw segments; a trailing slash adds one empty segment. Undefined if not absolute. */
function splitPath(path: string): string[] | undefined {
  if (!path.startsWith("/")) return undefined;
  return path === "/" ? [] : path.slice(1).split("/");
}

function matchSegments(template: Segment[], segments: string[]): Record<string, string> | undefined {
  const labels: Record<string, string> = {};
  for (let i = 0; i < template.length; i++) {
    const t = template[i]!;
    if ("greedy" in t && t.greedy) {
      const rest = segments.slice(i).join("/");
      if (rest === "") return undefined;
      const value = decode(rest);
      if (value === undefined) return undefined;
      labels[t.label] = value;
      return labels;
    }
    const segment = segments[i];
    if (segment === undefined || segment === "") return undefined;
    if ("literal" in t) {
      if (segment !== t.literal) return undefined;
    } else {
      const value = decode(segment);
      if (value === undefined) return undefined;
      labels[t.label] = value;
    }
  }
  // Extra segments do not match; a lone trailing slash does (`/bucket/`).
  const extra = segments.length - template.length;
  if (extra > 1 || (extra === 1 && segments[template.length] !== "")) return undefined;
  return labels;
}

function decode(raw: string): string | undefined {
  if (!raw.includes("%")) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}
