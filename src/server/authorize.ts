/**
 * Step 4 of the pipeline: may this principal do what the operation
 * declares? Lenient mode (the default) allows everything to any
 * authenticated caller. Strict mode is where the IAM policy engine plugs
 * in; until it lands, strict mode lets only an account's root through.
 * Unsigned (anonymous) requests are refused in both modes, as AWS refuses
 * them without a resource policy that grants them (bucket policies come
 * with the policy engine).
 */
import type { AuthMode } from "../auth/types.js";
import type { RequestContext } from "./context.js";
import { AwsError } from "./errors.js";
import type { AuthorizationRequirement } from "./service.js";

export interface Authorizer {
  /** Throws the service's AccessDenied error when a requirement is not met. */
  authorize(ctx: RequestContext, requirements: readonly AuthorizationRequirement[]): void;
}

export function createAuthorizer(mode: AuthMode): Authorizer {
  return {
    authorize(ctx, requirements) {
      const first = requirements[0];
      if (!first) return;
      if (ctx.principal.type === "anonymous") throw new AwsError("AccessDenied", "Access Denied", 403);
      if (mode === "lenient" || ctx.principal.type === "root") return;
      throw new AwsError(
        "AccessDenied",
        `User: ${ctx.principal.arn} is not authorized to perform: ${first.action} on resource: ${first.resource}`,
        403,
      );
    },
  };
}
