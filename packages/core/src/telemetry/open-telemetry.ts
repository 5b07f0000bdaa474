import type * as OtelApi from "@opentelemetry/api";
import { importFromApplication, isModuleNotFound } from "../registry/import-from-application.js";

export type OpenTelemetryApi = typeof OtelApi;

const PACKAGE = "@opentelemetry/api";

function looksLikeApi(value: unknown): value is OpenTelemetryApi {
  const v = value as Partial<OpenTelemetryApi> | undefined;
  return !!v && typeof v.trace?.getTracer === "function" && typeof v.propagation?.inject === "function";
}

/**
 * The OpenTelemetry API, if the application installed it. It is an optional peer dependency:
 * without it this resolves to `undefined` and the engine keeps no telemetry state at all.
 */
export async function loadOpenTelemetry(explicit?: unknown): Promise<OpenTelemetryApi | undefined> {
  if (explicit !== undefined) {
    if (!looksLikeApi(explicit)) throw new TypeError("telemetry.api must be the @opentelemetry/api module");
    return explicit;
  }
  try {
    const mod = (await importFromApplication(PACKAGE)) as { default?: unknown };
    const api = looksLikeApi(mod) ? mod : mod.default;
    return looksLikeApi(api) ? api : undefined;
  } catch (error) {
    if (isModuleNotFound(error, PACKAGE)) return undefined;
    throw error;
  }
}
