/**
 * The credential report: GenerateCredentialReport snapshots every user of
 * the account (and its root) with the state of their password, access keys
 * and signing certificates as CSV in IAM's columns; GetCredentialReport
 * answers the snapshot for four hours, as IAM keeps one.
 */
import type { KeyUsage } from "../../../auth/key-usage.js";
import type { AccessKeyRecord } from "../../../auth/stored-keys.js";
import { AwsError } from "../../../server/errors.js";
import { defineOperation, type OperationTable } from "../../../server/service.js";
import { prefixRange } from "../../../storage/index.js";
import type { IamStore } from "../store.js";
import { userArn } from "../store.js";
import { ACCOUNT_SETTINGS_STORE, LOGIN_PROFILES_STORE, PASSWORD_POLICY, type LoginProfileRecord, type PasswordPolicy } from "./account-settings.js";
import { ROOT_OWNER, SIGNING_CERTIFICATES_STORE, type SigningCertificateRecord } from "./signing-certificates.js";

/** The account's last report, keyed [account]. */
const CREDENTIAL_REPORTS_STORE = "iam.credential-reports";

/** How long IAM keeps a report before a new one must be generated. */
const REPORT_LIFETIME_MS = 4 * 60 * 60 * 1000;

const COLUMNS = [
  "user",
  "arn",
  "user_creation_time",
  "password_enabled",
  "password_last_used",
  "password_last_changed",
  "password_next_rotation",
  "mfa_active",
  "access_key_1_active",
  "access_key_1_last_rotated",
  "access_key_1_last_used_date",
  "access_key_1_last_used_region",
  "access_key_1_last_used_service",
  "access_key_2_active",
  "access_key_2_last_rotated",
  "access_key_2_last_used_date",
  "access_key_2_last_used_region",
  "access_key_2_last_used_service",
  "cert_1_active",
  "cert_1_last_rotated",
  "cert_2_active",
  "cert_2_last_rotated",
];

interface ReportRecord {
  generatedAt: number;
  csv: string;
}

/** A CSV field, quoted where it holds a comma, a quote or a line break (IAM names may hold commas). */
const csvField = (value: string) => (/[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/** IAM's report times: ISO 8601 in UTC, to the second, with an explicit offset. */
const time = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}+00:00`;

export function credentialReportOperations(store: IamStore, usage?: KeyUsage): OperationTable {
  const reports = store.kv.store<ReportRecord>(CREDENTIAL_REPORTS_STORE);

  /** A key's five columns, or a missing key's. */
  const keyColumns = (key: AccessKeyRecord | undefined): string[] => {
    if (!key) return ["false", "N/A", "N/A", "N/A", "N/A"];
    const used = usage?.lastUsed(key.accessKeyId);
    return [String(key.status === "Active"), time(key.createdAt), used ? time(used.lastUsedAt) : "N/A", used?.region ?? "N/A", used?.serviceName ?? "N/A"];
  };
  const certColumns = (cert: SigningCertificateRecord | undefined): string[] => (cert ? [String(cert.status === "Active"), time(cert.uploadedAt)] : ["false", "N/A"]);
  const certificatesOf = (accountId: string, owner: string) =>
    [...store.kv.store<SigningCertificateRecord>(SIGNING_CERTIFICATES_STORE).range(prefixRange([accountId, owner]))].map((e) => e.value).sort((a, b) => a.uploadedAt - b.uploadedAt);

  const generate = (accountId: string, now: number): string => {
    const policy = store.kv.store<PasswordPolicy>(ACCOUNT_SETTINGS_STORE).get([accountId, PASSWORD_POLICY]);
    const rows: string[][] = [];
    const rootKeys = store.rootKeysOf(accountId).sort((a, b) => a.createdAt - b.createdAt);
    const rootCerts = certificatesOf(accountId, ROOT_OWNER);
    // The root's password is the account's own, outside IAM: "not_supported", as IAM says.
    rows.push([
      "<root_account>",
      `arn:aws:iam::${accountId}:root`,
      time(now),
      "not_supported",
      "no_information",
      "not_supported",
      "not_supported",
      "false",
      ...keyColumns(rootKeys[0]),
      ...keyColumns(rootKeys[1]),
      ...certColumns(rootCerts[0]),
      ...certColumns(rootCerts[1]),
    ]);
    for (const user of store.usersOf(accountId)) {
      const profile = store.kv.store<LoginProfileRecord>(LOGIN_PROFILES_STORE).get([accountId, user.userId]);
      const keys = user.accessKeyIds
        .map((id) => store.keys.get(id))
        .filter((k): k is AccessKeyRecord => k !== undefined)
        .sort((a, b) => a.createdAt - b.createdAt);
      const certs = certificatesOf(accountId, user.userId);
      const maxAge = policy?.MaxPasswordAge;
      const passwordSet = profile ? (profile.passwordChangedAt ?? profile.createdAt) : undefined;
      rows.push([
        user.userName,
        userArn(user),
        time(user.createdAt),
        String(profile !== undefined),
        profile ? "no_information" : "N/A",
        passwordSet !== undefined ? time(passwordSet) : "N/A",
        passwordSet !== undefined && maxAge ? time(passwordSet + maxAge * 86_400_000) : "N/A",
        "false",
        ...keyColumns(keys[0]),
        ...keyColumns(keys[1]),
        ...certColumns(certs[0]),
        ...certColumns(certs[1]),
      ]);
    }
    return [COLUMNS, ...rows].map((row) => row.map(csvField).join(",")).join("\n");
  };

  return {
    GenerateCredentialReport: defineOperation<Record<string, never>>({
      authorize: () => [{ action: "iam:GenerateCredentialReport", resource: "*" }],
      async handle(_input, ctx) {
        const now = ctx.now().getTime();
        const last = reports.get([ctx.accountId]);
        if (last && now - last.generatedAt < REPORT_LIFETIME_MS) return { State: "COMPLETE" };
        // Made at once: the next call finds it complete.
        const record: ReportRecord = { generatedAt: Math.floor(now / 1000) * 1000, csv: generate(ctx.accountId, now) };
        await reports.transaction((tx) => tx.put([ctx.accountId], record));
        return { State: "STARTED", Description: "No report exists. Starting a new report generation task" };
      },
    }),

    GetCredentialReport: defineOperation<Record<string, never>>({
      authorize: () => [{ action: "iam:GetCredentialReport", resource: "*" }],
      handle(_input, ctx) {
        const report = reports.get([ctx.accountId]);
        if (!report) throw new AwsError("ReportNotPresent", "Unable to find a credential report. Use GenerateCredentialReport to create one.", 410);
        if (ctx.now().getTime() - report.generatedAt >= REPORT_LIFETIME_MS) {
          throw new AwsError("ReportExpired", "The credential report has expired. Use GenerateCredentialReport to create a new one.", 410);
        }
        return { Content: Buffer.from(report.csv, "utf8"), ReportFormat: "text/csv", GeneratedTime: new Date(report.generatedAt) };
      },
    }),
  };
}
