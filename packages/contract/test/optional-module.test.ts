import { describe, expect, it } from "vitest";
import { installNote, loadOptional } from "../src/optional-module.js";

describe("loadOptional", () => {
  it("returns the module when it is installed", async () => {
    const avro = await loadOptional(() => import("@outbound/avro"), "@outbound/avro");
    expect(typeof avro?.avroSerializer).toBe("function");
  });

  it("returns undefined for a package that is not installed, so its group can skip", async () => {
    const specifier = "@outbound/not-installed-anywhere";
    expect(await loadOptional(() => import(/* @vite-ignore */ specifier), specifier)).toBeUndefined();
  });

  it("throws any other failure: a broken install is an error, not a skip", async () => {
    const broken = Object.assign(new Error("SyntaxError in @outbound/avro"), { code: "ERR_SOMETHING" });
    await expect(loadOptional(() => Promise.reject(broken), "@outbound/avro")).rejects.toBe(broken);
    // A missing module other than the one asked for is a broken install too.
    const nested = Object.assign(new Error("Cannot find package 'avsc' imported from @outbound/avro"), {
      code: "ERR_MODULE_NOT_FOUND",
    });
    await expect(loadOptional(() => Promise.reject(nested), "@outbound/protobuf")).rejects.toBe(nested);
  });

  it("names the install command in the skip note", () => {
    expect(installNote("@outbound/avro")).toBe("needs @outbound/avro: npm install --save-dev @outbound/avro");
  });
});
