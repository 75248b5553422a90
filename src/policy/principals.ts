/**
 * The AWS principals a resource or trust policy names, checked as AWS
 * checks them when the policy is saved: AWS resolves each to the identity
 * it names, so a malformed one, a wildcard inside an ARN, or a user or role
 * that does not exist makes the policy invalid ("Invalid principal in
 * policy").
 */
import type { PolicyDocument } from "./document.js";

/** Identities a policy may name, as IAM knows them. */
export interface PrincipalDirectory {
  user(accountId: string, path: string, name: string): boolean;
  role(accountId: string, path: string | undefined, name: string): boolean;
}

const ACCOUNT = /^\d{12}$/;
const ROOT = /^arn:aws:iam::(\d{12}):root$/;
const USER_OR_ROLE = /^arn:aws:iam::(\d{12}):(user|role)(\/(?:[\x21-\x7e]*\/)?)([\w+=,.@-]+)$/;
const ASSUMED_ROLE = /^arn:aws:sts::(\d{12}):assumed-role\/([\w+=,.@-]+)\/[\w+=,.@-]+$/;
const FEDERATED_USER = /^arn:aws:sts::(\d{12}):federated-user\/[\w+=,.@-]+$/;
/** An IAM unique id (AIDA…, AROA…): what a policy shows for a principal since deleted. */
const UNIQUE_ID = /^A[A-Z0-9]{15,127}$/;

/** The first `AWS` principal of the document that names no identity, if any. */
export function unknownPrincipal(document: PolicyDocument, directory: PrincipalDirectory): string | undefined {
  for (const statement of document.statements) {
    for (const spec of [statement.principal, statement.notPrincipal]) {
      if (spec === undefined || spec === "*") continue;
      for (const id of spec.AWS ?? []) if (!names(id, directory)) return id;
    }
  }
  return undefined;
}

function names(id: string, directory: PrincipalDirectory): boolean {
  if (id === "*" || ACCOUNT.test(id) || ROOT.test(id) || FEDERATED_USER.test(id) || UNIQUE_ID.test(id)) return true;
  const named = USER_OR_ROLE.exec(id);
  if (named) {
    const [, accountId, kind, path, name] = named;
    return kind === "user" ? directory.user(accountId!, path!, name!) : directory.role(accountId!, path!, name!);
  }
  const session = ASSUMED_ROLE.exec(id);
  return session !== null && directory.role(session[1]!, undefined, session[2]!);
}
