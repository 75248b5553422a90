import type { Item } from "../values.js";
import type { Projection } from "./ast.js";
import type { ExpressionContext } from "./index.js";

/** Parses a ProjectionExpression. */
export function parseProjection(text: string, ctx: ExpressionContext): Projection {
  void text, ctx;
  throw new Error("not implemented");
}

/** The parts of `item` the projection names, nested structure kept as DynamoDB does. */
export function project(item: Item, projection: Projection): Item {
  void item, projection;
  throw new Error("not implemented");
}
