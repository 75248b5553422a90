/**
 * ProjectionExpression: a comma-separated list of document paths. The
 * projected item keeps the nesting of what it picks; elements picked from a
 * list keep their order and close up, as DynamoDB returns them.
 */
import type { AttributeValue, Item } from "../values.js";
import type { DocumentPath, Projection } from "./ast.js";
import { getPath } from "./document.js";
import type { ExpressionContext } from "./index.js";
import { Parser, Problems, pathClash } from "./parser.js";

type Slot = "pathOverlap" | "pathConflict";
const ORDER = ["reserved", "attrName", "attrValue", "pathOverlap", "pathConflict"] as const;
const NO_KEYWORDS: ReadonlySet<string> = new Set();

/** Parses a ProjectionExpression. */
export function parseProjection(text: string, ctx: ExpressionContext): Projection {
  const parser = new Parser<Slot>("ProjectionExpression", text, ctx, new Problems(ORDER), NO_KEYWORDS);
  const paths: DocumentPath[] = [];
  for (;;) {
    const path = parser.parsePath();
    for (const other of paths) {
      const clash = pathClash(other, path);
      if (clash !== undefined) {
        parser.problems.add(clash.kind, clash.message);
        break;
      }
    }
    paths.push(path);
    if (!parser.isPunct(",")) break;
    parser.next();
  }
  parser.expectEnd();
  parser.finish();
  return { paths };
}

/** A partly built projection: a value taken whole, or the parts of a map or list. */
type Node =
  | { readonly kind: "whole"; readonly value: AttributeValue }
  | { readonly kind: "map"; readonly entries: Map<string, Node> }
  | { readonly kind: "list"; readonly entries: Map<number, Node> };

function build(node: Node): AttributeValue {
  if (node.kind === "whole") return node.value;
  if (node.kind === "map") {
    const M: Record<string, AttributeValue> = {};
    for (const [key, child] of node.entries) M[key] = build(child);
    return { M };
  }
  const indexes = [...node.entries.keys()].sort((a, b) => a - b);
  return { L: indexes.map((i) => build(node.entries.get(i) ?? { kind: "whole", value: { NULL: true } })) };
}

/** The parts of `item` the projection names, nested structure kept as DynamoDB does. */
export function project(item: Item, projection: Projection): Item {
  const top = new Map<string, Node>();
  for (const path of projection.paths) {
    const value = getPath(item, path);
    if (value === undefined) continue;
    if (path.length === 1) {
      top.set(String(path[0]), { kind: "whole", value });
      continue;
    }
    // Walk (creating) the containers down to the parent of the last step.
    let entries: Map<string | number, Node> = top;
    for (let i = 0; i < path.length - 1; i++) {
      const step = path[i];
      const kind = typeof path[i + 1] === "number" ? "list" : "map";
      let node = entries.get(step);
      if (node === undefined || node.kind === "whole") {
        node = kind === "list" ? { kind, entries: new Map<number, Node>() } : { kind, entries: new Map<string, Node>() };
        entries.set(step, node);
      }
      entries = node.entries as Map<string | number, Node>;
    }
    entries.set(path[path.length - 1], { kind: "whole", value });
  }
  const result: Item = {};
  for (const [name, node] of top) result[name] = build(node);
  return result;
}
