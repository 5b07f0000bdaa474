import pg from "pg";
import { describe, expect, it } from "vitest";
import { endpoints } from "../endpoints.mjs";

describe("postgres", () => {
  it("serves SQL, row locks with SKIP LOCKED, and LISTEN/NOTIFY (what the outbox relies on)", async () => {
    const [a, b] = [new pg.Client(endpoints().postgres), new pg.Client(endpoints().postgres)];
    await a.connect();
    await b.connect();
    try {
      const table = `smoke_${Date.now()}`;
      await a.query(`CREATE TABLE ${table} (id INT PRIMARY KEY)`);
      await a.query(`INSERT INTO ${table} VALUES (1), (2)`);
      await a.query("BEGIN");
      const locked = await a.query(`SELECT id FROM ${table} ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED`);
      const skipped = await b.query(`SELECT id FROM ${table} ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED`);
      expect([locked.rows[0].id, skipped.rows[0].id]).toEqual([1, 2]);
      await a.query("COMMIT");

      await b.query("LISTEN smoke");
      const heard = new Promise<string>((resolve) => b.on("notification", (m) => resolve(m.payload ?? "")));
      await a.query("SELECT pg_notify('smoke', 'hello')");
      expect(await heard).toBe("hello");
      await a.query(`DROP TABLE ${table}`);
    } finally {
      await a.end();
      await b.end();
    }
  });
});
