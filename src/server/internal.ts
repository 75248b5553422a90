/**
 * Nimbus's own endpoints under /_nimbus/: health and reset. They are not
 * AWS APIs and answer plain JSON.
 */
import type { IncomingMessage } from "node:http";
import type { WireResponse } from "../protocols/types.js";

export const INTERNAL_PREFIX = "/_nimbus/";

export type ServiceState = "available" | "running" | "error";

export interface HealthReport {
  version: string;
  uptimeSeconds: number;
  auth: string;
  persistence: "disk" | "memory";
  services: Record<string, ServiceState>;
}

export interface InternalApi {
  health(): HealthReport;
  reset(): Promise<void>;
}

export async function handleInternal(req: IncomingMessage, api: InternalApi): Promise<WireResponse> {
  const path = (req.url ?? "/").split("?")[0];
  req.resume();
  if (path === "/_nimbus/health" && (req.method === "GET" || req.method === "HEAD")) {
    return json(200, api.health());
  }
  if (path === "/_nimbus/reset" && req.method === "POST") {
    await api.reset();
    return json(200, { reset: true });
  }
  return json(404, { error: `no such Nimbus endpoint: ${req.method} ${path}` });
}

function json(status: number, value: unknown): WireResponse {
  return { status, headers: { "content-type": "application/json" }, body: `${JSON.stringify(value)}\n` };
}
