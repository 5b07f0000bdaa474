import { checkKnownKeys } from "../../config/known-keys.js";
import { OutboundError } from "../../errors/index.js";

/**
 * Checks for a transport's config section, bound to the transport's name so that every error
 * they throw is an `INVALID_CONFIG` saying which transport and which option. Each check takes
 * `(value, name, ...)`, returns `undefined` for an option left out (the caller applies its
 * default) and throws for a value of the wrong type or range; nothing is coerced.
 */
export interface OptionChecks {
  readonly transport: string;
  /** An `INVALID_CONFIG` error for this transport, for checks the kit does not have. */
  invalid(message: string): OutboundError;
  /**
   * Refuses the section when it is not a plain object, or when it has a key not in `known`, naming
   * each unknown key with the closest valid one (`kafka: { idempotant }` -> "idempotent"). Returns
   * the section, or `{}` when it is left out.
   */
  section<T extends object>(section: T | undefined, known: readonly string[], name?: string): Partial<T>;
  /**
   * A copy of the section with options given under a former name moved to their current one
   * (`{ requestTimeout: "requestTimeoutMs" }`), so that configs written before a rename keep
   * working. Giving both names with different values is refused rather than one silently winning.
   * Run it before {@link section}, which then sees only current names.
   */
  renamed<T extends object>(section: T | undefined, renames: Readonly<Record<string, string>>): T | undefined;
  /** An integer from 1 up. */
  positiveInteger(value: unknown, name: string): number | undefined;
  /** An integer within `[min, max]` (`max` defaults to `Number.MAX_SAFE_INTEGER`). */
  integer(value: unknown, name: string, min: number, max?: number): number | undefined;
  boolean(value: unknown, name: string): boolean | undefined;
  /** A non-empty string. */
  text(value: unknown, name: string): string | undefined;
  /** One of `allowed`, compared exactly. */
  oneOf<T extends string>(value: unknown, name: string, allowed: readonly T[]): T | undefined;
}

const shown = (value: unknown): string =>
  typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));

export function optionChecks(transport: string): OptionChecks {
  const invalid = (message: string) => new OutboundError("INVALID_CONFIG", message, { transport });
  const integer = (value: unknown, name: string, min: number, max = Number.MAX_SAFE_INTEGER) => {
    if (value === undefined) return undefined;
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
      throw invalid(`option "${name}" must be an integer ${range}, got ${shown(value)}`);
    }
    return value;
  };
  return {
    transport,
    invalid,
    section<T extends object>(section: T | undefined, known: readonly string[], name = transport) {
      if (section === undefined || section === null) return {};
      if (typeof section !== "object" || Array.isArray(section)) {
        throw invalid(`"${name}" must be an object of ${transport} options, got ${shown(section)}`);
      }
      checkKnownKeys(section, known, { transport, section: name });
      return section as Partial<T>;
    },
    renamed<T extends object>(section: T | undefined, renames: Readonly<Record<string, string>>) {
      if (typeof section !== "object" || section === null || Array.isArray(section)) return section;
      let copy: Record<string, unknown> | undefined;
      for (const former in renames) {
        if (!Object.hasOwn(section, former)) continue;
        const current = renames[former] as string;
        copy ??= { ...(section as Record<string, unknown>) };
        const value = copy[former];
        if (copy[current] !== undefined && copy[current] !== value) {
          throw invalid(
            `option "${former}" is the former name of "${current}"; both are given, with different values (${shown(value)} and ${shown(copy[current])}): keep "${current}" only`,
          );
        }
        delete copy[former];
        if (value !== undefined) copy[current] = value;
      }
      return (copy ?? section) as T;
    },
    positiveInteger(value, name) {
      if (value === undefined) return undefined;
      if (typeof value !== "number" || !Number.isInteger(value) || value <= 0) {
        throw invalid(`option "${name}" must be a positive integer, got ${shown(value)}`);
      }
      return value;
    },
    integer,
    boolean(value, name) {
      if (value === undefined) return undefined;
      if (typeof value !== "boolean")
        throw invalid(`option "${name}" must be true or false, got ${shown(value)}`);
      return value;
    },
    text(value, name) {
      if (value === undefined) return undefined;
      if (typeof value !== "string" || value.length === 0) {
        throw invalid(`option "${name}" must be a non-empty string, got ${shown(value)}`);
      }
      return value;
    },
    oneOf<T extends string>(value: unknown, name: string, allowed: readonly T[]) {
      if (value === undefined) return undefined;
      if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
        throw invalid(`option "${name}" must be one of ${allowed.join(", ")}, got ${shown(value)}`);
      }
      return value as T;
    },
  };
}
