/**
 * The AWS regions Nimbus knows of: those S3's model lets a bucket be
 * placed in (its location constraints, which leave out us-east-1 and add
 * the legacy alias "EU"). The model is the one place that keeps the list
 * current.
 */
import { loadModel } from "../protocols/model.js";

let known: ReadonlySet<string> | undefined;

/** Every known region, of every partition. */
export function knownRegions(): ReadonlySet<string> {
  known ??= new Set(["us-east-1", ...(loadModel("s3").shapes.BucketLocationConstraint?.enum ?? []).filter((r) => r !== "EU")]);
  return known;
}

/** The known regions of the `aws` partition (China's and GovCloud's are partitions of their own), in name order. */
export function commercialRegions(): string[] {
  return [...knownRegions()].filter((r) => !r.startsWith("cn-") && !r.startsWith("us-gov-")).sort();
}
