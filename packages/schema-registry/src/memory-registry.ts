import type { RegistrySchema, SchemaRegistryClient } from "./registry-client.js";

/**
 * An in-memory schema registry for tests and demos. Like Confluent's, one schema text has one id
 * whichever subjects it is registered under, and ids are handed out in registration order from
 * `firstId` (default 1). It does not check compatibility.
 */
export class MemorySchemaRegistry implements SchemaRegistryClient {
  private nextId: number;
  private readonly idsBySchema = new Map<string, number>();
  private readonly subjects = new Map<string, Map<string, number>>();
  /** Every call, in order, so tests can assert on caching and auto-registration. */
  readonly calls: { method: "getId" | "register"; subject: string }[] = [];

  constructor(options: { firstId?: number } = {}) {
    this.nextId = options.firstId ?? 1;
  }

  async getId(subject: string, schema: RegistrySchema): Promise<number> {
    this.calls.push({ method: "getId", subject });
    const id = this.subjects.get(subject)?.get(schemaKey(schema));
    if (id === undefined) throw new Error(`schema not found under subject "${subject}"`);
    return id;
  }

  async register(subject: string, schema: RegistrySchema): Promise<number> {
    this.calls.push({ method: "register", subject });
    return this.add(subject, schema);
  }

  /**
   * Registers synchronously, optionally with a chosen id (as a registry in IMPORT mode allows), so
   * a test can line ids up with another implementation.
   */
  add(subject: string, schema: RegistrySchema, id?: number): number {
    const key = schemaKey(schema);
    let schemaId = this.idsBySchema.get(key);
    if (schemaId === undefined) {
      schemaId = id ?? this.nextId;
      this.nextId = Math.max(this.nextId, schemaId + 1);
      this.idsBySchema.set(key, schemaId);
    } else if (id !== undefined && id !== schemaId) {
      throw new Error(`schema already registered with id ${schemaId}, not ${id}`);
    }
    let versions = this.subjects.get(subject);
    if (versions === undefined) {
      versions = new Map();
      this.subjects.set(subject, versions);
    }
    versions.set(key, schemaId);
    return schemaId;
  }

  /** Subjects with at least one schema. */
  listSubjects(): string[] {
    return [...this.subjects.keys()];
  }
}

function schemaKey(schema: RegistrySchema): string {
  return `${schema.schemaType}\n${schema.schema}`;
}
